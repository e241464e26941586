"""One request per row of the access table, against the world of ``world.py``.

Targets are in branch ``b`` (township A, or its mirror); writes are built so that whoever may
make them meets a 409 or 422 after the access check (a stale ``If-Match``, a rejected
application, a lifted case, a date in the future) or adds something harmless, so the world
stays the same for every later probe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tests.access.world import DAY, YESTERDAY

W = dict[str, Any]
Build = Callable[[W, W], Any]


@dataclass(frozen=True)
class Probe:
    url: Build
    body: Build | None = None
    admin_home: str = "V"  # the branch key an entity admin's in-scope token names
    grid_home: str | None = None  # a grid member's, when not the entity admin's
    stale: bool = False  # send a stale If-Match: an allowed write then meets a 409
    upload: bool = False
    listed: str | None = None  # a list: the branch key whose id shows in scope only


def _p(url: Build, body: Build | None = None, **kw: Any) -> Probe:
    return Probe(url, body, **kw)


_APP = "/scoring/v1/applications/{}"
_ENT = "/registry/v1/entities/{}"
_GRID = "/registry/v1/grids/{}"
_CONTACT = {"name": "新联络员", "phone": "13800000002"}
_FUTURE = str(DAY + timedelta(days=300))


def _app(step: str, body: Build | None = None) -> Probe:
    return _p(lambda w, b: _APP.format(b["app"]) + step, body, admin_home="K")


def _rubric(w: W, b: W) -> dict[str, Any]:
    keep = ("code", "name", "kind", "sections", "application_mark", "pass_mark", "cycle_days")
    return {**{k: v for k, v in w["rubric"].items() if k in keep}, "code": "access-rubric"}


PROBES: dict[tuple[str, str, str], Probe] = {
    ("registry", "POST", "/v1/entities"): _p(
        lambda w, b: "/registry/v1/entities",
        lambda w, b: {"name": "新建小区", "kind": "compound", "parent_id": b["V"]},
    ),
    ("registry", "GET", "/v1/entities"): _p(lambda w, b: "/registry/v1/entities"),
    ("registry", "GET", "/v1/entities/{entity_id}"): _p(lambda w, b: _ENT.format(b["V"])),
    ("registry", "POST", "/v1/entities/{entity_id}/rename"): _p(
        lambda w, b: _ENT.format(b["V"]) + "/rename", lambda w, b: {"name": "改名村"}, stale=True
    ),
    ("registry", "POST", "/v1/entities/{entity_id}/move"): _p(
        lambda w, b: _ENT.format(b["V"]) + "/move", lambda w, b: {"parent_id": b["T"]}, stale=True
    ),
    ("registry", "POST", "/v1/entities/{entity_id}/close"): _p(
        lambda w, b: _ENT.format(b["V"]) + "/close", lambda w, b: {"reason": "撤并"}, stale=True
    ),
    ("registry", "PUT", "/v1/entities/{entity_id}/contact"): _p(
        lambda w, b: _ENT.format(b["V"]) + "/contact",
        lambda w, b: {"contact": _CONTACT},
        stale=True,
    ),
    ("registry", "POST", "/v1/grids"): _p(
        lambda w, b: "/registry/v1/grids",
        lambda w, b: {"name": "新网格", "level": 3, "entity_id": b["V"], "parent_grid_id": b["g2"]},
    ),
    ("registry", "GET", "/v1/grids"): _p(lambda w, b: "/registry/v1/grids"),
    ("registry", "GET", "/v1/grids/{grid_id}"): _p(lambda w, b: _GRID.format(b["g2"])),
    **{
        ("registry", "POST" if step != "leader" else "PUT", f"/v1/grids/{{grid_id}}/{step}"): _p(
            lambda w, b, step=step: _GRID.format(b["g2"]) + f"/{step}",
            lambda w, b, body=body: body(b),
            stale=True,
        )
        for step, body in (
            ("rename", lambda b: {"name": "改名网格"}),
            ("move", lambda b: {"parent_grid_id": b["g1"]}),
            ("close", lambda b: {"reason": "撤并"}),
            ("leader", lambda b: {"leader": _CONTACT}),
        )
    },
    ("registry", "POST", "/v1/imports"): _p(lambda w, b: "/registry/v1/imports", upload=True),
    ("registry", "POST", "/v1/tokens/refresh"): _p(lambda w, b: "/registry/v1/tokens/refresh"),
    ("registry", "POST", "/v1/tokens/{jti}/revoke"): _p(
        lambda w, b: "/registry/v1/tokens/not-a-minted-token/revoke"
    ),
    ("reporting", "GET", "/v1/settings"): _p(lambda w, b: "/reporting/v1/settings"),
    ("reporting", "PUT", "/v1/settings"): _p(
        lambda w, b: "/reporting/v1/settings", lambda w, b: {"cycle_days": 1}
    ),
    ("reporting", "POST", "/v1/grid-reports"): _p(
        lambda w, b: "/reporting/v1/grid-reports",
        lambda w, b: {"grid_id": b["g3"], "date": str(DAY), "zero": True},
        admin_home="K",
        grid_home="g2",
    ),
    ("reporting", "GET", "/v1/grid-reports"): _p(
        lambda w, b: f"/reporting/v1/grid-reports?grid_id={b['g3']}&days=7",
        admin_home="K",
        grid_home="g2",
    ),
    ("reporting", "GET", "/v1/grid-reports/rollup"): _p(
        lambda w, b: f"/reporting/v1/grid-reports/rollup?grid_id={b['g2']}&date={YESTERDAY}",
        grid_home="g2",
    ),
    ("reporting", "GET", "/v1/grid-reports/{grid_id}/{date}"): _p(
        lambda w, b: f"/reporting/v1/grid-reports/{b['g3']}/{YESTERDAY}",
        admin_home="K",
        grid_home="g2",
    ),
    ("reporting", "POST", "/v1/cases"): _p(
        lambda w, b: "/reporting/v1/cases",
        lambda w, b: {"entity_id": b["V"], "kind": "close_contact", "date": _FUTURE},
    ),
    ("reporting", "GET", "/v1/cases/{case_id}"): _p(
        lambda w, b: f"/reporting/v1/cases/{b['case']}"
    ),
    ("reporting", "POST", "/v1/cases/{case_id}/lift"): _p(
        lambda w, b: f"/reporting/v1/cases/{b['case']}/lift", lambda w, b: {}
    ),
    ("reporting", "POST", "/v1/complaints"): _p(
        lambda w, b: "/reporting/v1/complaints",
        lambda w, b: {"entity_id": b["V"], "summary": "反映问题", "source": "12345"},
    ),
    ("reporting", "GET", "/v1/complaints"): _p(
        lambda w, b: "/reporting/v1/complaints", listed="complaint"
    ),
    ("reporting", "GET", "/v1/complaints/{complaint_id}"): _p(
        lambda w, b: f"/reporting/v1/complaints/{b['complaint']}"
    ),
    ("reporting", "POST", "/v1/complaints/{complaint_id}/verification"): _p(
        lambda w, b: f"/reporting/v1/complaints/{b['complaint']}/verification",
        lambda w, b: {"verified": False, "note": "复核"},
    ),
    ("reporting", "GET", "/v1/eligibility/{entity_id}"): _p(
        lambda w, b: f"/reporting/v1/eligibility/{b['V']}"
    ),
    ("reporting", "GET", "/v1/completeness"): _p(
        lambda w, b: f"/reporting/v1/completeness?entity_id={b['V']}&date={YESTERDAY}"
    ),
    ("reporting", "GET", "/v1/completeness/grids"): _p(
        lambda w, b: f"/reporting/v1/completeness/grids?entity_id={b['V']}&to={YESTERDAY}"
    ),
    ("reporting", "GET", "/v1/completeness/townships"): _p(
        lambda w, b: f"/reporting/v1/completeness/townships?to={YESTERDAY}"
    ),
    ("scoring", "GET", "/v1/rubrics"): _p(lambda w, b: "/scoring/v1/rubrics"),
    ("scoring", "POST", "/v1/rubrics"): _p(lambda w, b: "/scoring/v1/rubrics", _rubric),
    ("scoring", "POST", "/v1/campaigns"): _p(
        lambda w, b: "/scoring/v1/campaigns",
        lambda w, b: {
            "title": "新活动",
            "doc_number": "访政办〔2022〕2号",
            "issuer": "访问县",
            "award_title": "无疫小区",
            "entity_kinds": ["compound"],
            "rubric_id": w["rubric"]["id"],
        },
    ),  # fmt: skip
    ("scoring", "GET", "/v1/campaigns/{campaign_id}"): _p(
        lambda w, b: f"/scoring/v1/campaigns/{w['campaign']}"
    ),
    ("scoring", "POST", "/v1/campaigns/{campaign_id}/batches"): _p(
        lambda w, b: f"/scoring/v1/campaigns/{w['campaign']}/batches",
        lambda w, b: {"name": "次批", "opens_on": str(DAY), "closes_on": str(DAY)},
    ),
    ("scoring", "GET", "/v1/campaigns/{campaign_id}/batches/{batch_id}/quotas"): _p(
        lambda w, b: f"/scoring/v1/campaigns/{w['campaign']}/batches/{w['batch']}/quotas"
    ),
    ("scoring", "GET", "/v1/quota-status"): _p(
        lambda w, b: f"/scoring/v1/quota-status?township_id={b['T']}"
    ),
    ("scoring", "GET", "/v1/campaigns/{campaign_id}/progress"): _p(
        lambda w, b: f"/scoring/v1/campaigns/{w['campaign']}/progress"
    ),
    ("scoring", "GET", "/v1/public-campaigns"): _p(lambda w, b: "/scoring/v1/public-campaigns"),
    ("scoring", "GET", "/v1/honor-list"): _p(lambda w, b: "/scoring/v1/honor-list?tenant=t1"),
    ("scoring", "GET", "/v1/delistings"): _p(lambda w, b: "/scoring/v1/delistings?tenant=t1"),
    ("scoring", "GET", "/v1/public-notices"): _p(
        lambda w, b: "/scoring/v1/public-notices?tenant=t1"
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/objections"): _app(
        "/objections", lambda w, b: {"text": "有异议"}
    ),
    ("scoring", "POST", "/v1/applications"): _p(
        lambda w, b: "/scoring/v1/applications",
        lambda w, b: {"campaign_id": w["campaign"], "batch_id": w["batch"], "entity_id": b["K"]},
        admin_home="K",
    ),
    ("scoring", "GET", "/v1/applications"): _p(
        lambda w, b: "/scoring/v1/applications", admin_home="K", listed="app"
    ),
    ("scoring", "GET", "/v1/applications/{application_id}"): _app(""),
    ("scoring", "POST", "/v1/applications/{application_id}/self-assessment"): _app(
        "/self-assessment", lambda w, b: {"scores": {}}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/submission"): _app("/submission"),
    ("scoring", "POST", "/v1/applications/{application_id}/township-review"): _app(
        "/township-review", lambda w, b: {"decision": "approve"}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/recommendation"): _app(
        "/recommendation"
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/inspections"): _app(
        "/inspections", lambda w, b: {"kind": "open", "scores": {}}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/rejection"): _app(
        "/rejection", lambda w, b: {"note": "否决"}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/public-notice"): _app("/public-notice"),
    ("scoring", "POST", "/v1/applications/{application_id}/objections/{objection_id}/ruling"): (
        _app("/objections/none/ruling", lambda w, b: {"upheld": False, "note": "驳回"})
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/award"): _app("/award"),
    ("scoring", "POST", "/v1/applications/{application_id}/spot-checks"): _app(
        "/spot-checks", lambda w, b: {"scores": {}}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/send-back"): _app(
        "/send-back", lambda w, b: {"note": "补充材料"}
    ),
    # the first allowed call records the rejected application's rectification (harmless: every
    # later write still meets a 409, and the applicant's view is the same after it)
    ("scoring", "POST", "/v1/applications/{application_id}/rectification"): _app(
        "/rectification", lambda w, b: {"note": "已整改"}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/county-record"): _app(
        "/county-record", lambda w, b: {}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/objections/rulings"): _app(
        "/objections/rulings", lambda w, b: {"all_pending": True, "upheld": False, "note": "驳回"}
    ),
    ("scoring", "POST", "/v1/applications/{application_id}/rectification-orders"): _app(
        "/rectification-orders", lambda w, b: {"note": "整改"}
    ),
    (
        "scoring",
        "POST",
        "/v1/applications/{application_id}/rectification-orders/{order_id}/completion",
    ): _app("/rectification-orders/none/completion"),
    ("scoring", "POST", "/v1/entities/{entity_id}/delisting"): _p(
        lambda w, b: f"/scoring/v1/entities/{b['K']}/delisting",
        lambda w, b: {"reason": "fraud", "note": "弄虚作假"},
        admin_home="K",
    ),
    ("reporting", "GET", "/v1/events/{event_id}"): _p(
        lambda w, b: f"/reporting/v1/events/{b['complaint_event']}"
    ),
    **{
        ("reporting", "GET", f"/v1/exports/{name}"): _p(
            lambda w, b, name=name: f"/reporting/v1/exports/{name}?entity_id={b['T']}",
            admin_home="T",
        )
        for name in ("completeness.xlsx", "weekly-bulletin.pdf")
    },
    **{
        ("scoring", "GET", f"/v1/exports/{name}"): _p(
            lambda w, b, name=name: f"/scoring/v1/exports/{name}?campaign_id={w['campaign']}"
        )
        for name in (
            "honor-list.xlsx",
            "delistings.xlsx",
            "public-notice.docx",
            "public-notice.pdf",
        )
    },
    ("scoring", "GET", "/v1/public/entities/{entity_id}/history"): _p(
        lambda w, b: f"/scoring/v1/public/entities/{b['K']}/history"
    ),
    ("scoring", "GET", "/v1/entities/{entity_id}/audit"): _p(
        lambda w, b: f"/scoring/v1/entities/{b['K']}/audit", admin_home="K"
    ),
    ("scoring", "GET", "/v1/presets"): _p(lambda w, b: "/scoring/v1/presets"),
    ("scoring", "GET", "/v1/campaigns"): _p(lambda w, b: "/scoring/v1/campaigns"),
    ("scoring", "GET", "/v1/applications/{application_id}/objections"): _app("/objections"),
    # an allowed upload of a CSV meets a 422 (not a photo or PDF): nothing is stored
    ("scoring", "POST", "/v1/evidence"): _p(lambda w, b: "/scoring/v1/evidence", upload=True),
    ("scoring", "GET", "/v1/evidence/{evidence_id}"): _p(
        lambda w, b: f"/scoring/v1/evidence/{w['evidence']}"
    ),
}
PROBES |= {
    ("notifier", "GET", "/v1/inbox"): _p(lambda w, b: "/notifier/v1/inbox"),
    ("notifier", "POST", "/v1/inbox/{item_id}/read"): _p(
        lambda w, b: "/notifier/v1/inbox/no-such-item/read"
    ),
    ("notifier", "GET", "/v1/public-feed"): _p(lambda w, b: "/notifier/v1/public-feed?tenant=t1"),
    # a subscription whose event type matches nothing, so no delivery ever goes out
    ("notifier", "POST", "/v1/subscriptions"): _p(
        lambda w, b: "/notifier/v1/subscriptions",
        lambda w, b: {
            "channel": "webhook",
            "target": "http://127.0.0.1:9/access-probe",
            "event_types": ["cn.wuyi.access.probe.v1"],
        },
    ),
    ("notifier", "GET", "/v1/subscriptions"): _p(lambda w, b: "/notifier/v1/subscriptions"),
    ("notifier", "DELETE", "/v1/subscriptions/{subscription_id}"): _p(
        lambda w, b: "/notifier/v1/subscriptions/no-such-subscription"
    ),
    ("notifier", "GET", "/v1/deliveries"): _p(lambda w, b: "/notifier/v1/deliveries"),
    ("notifier", "GET", "/v1/settings"): _p(lambda w, b: "/notifier/v1/settings"),
    ("notifier", "PUT", "/v1/settings"): _p(
        lambda w, b: "/notifier/v1/settings", lambda w, b: {"report_due_minutes": 60}
    ),
}
for _service in ("registry", "reporting", "scoring", "notifier"):
    for _path in ("/health", "/ready", "/metrics"):
        PROBES[(_service, "GET", _path)] = _p(lambda w, b, s=_service, p=_path: f"/{s}{p}")
