"""What a GET of an application shows: its state, scores, inspections, notice and objections
(status only: objection texts stay with the county), folded from its own events; to readers in
scope of the applicant, inspections only to its review chain (``domain/disclosure.py``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from wuyi_core import registry_replica
from wuyi_core.auth import Principal, in_scope, require_role
from wuyi_core.errors import NotFound
from wuyi_core.eventstore.store import read_stream

from wuyi_scoring.application.access import READERS, REVIEW_CHAIN, authorize, in_review_chain
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.application import IN_REVIEW, STATUS_ZH, Status, fold
from wuyi_scoring.domain.disclosure import application_for_applicant, result_known


async def read_application(scoring: Scoring, who: Principal, application_id: str) -> dict[str, Any]:
    """One application, to readers in scope of its applicant."""
    view = await application_view(scoring, who.tenant, application_id)
    async with scoring.reading() as tx:
        await authorize(tx, who, READERS, view["entity_id"])
    return await shown(scoring, who, view)


async def shown(scoring: Scoring, who: Principal, view: dict[str, Any]) -> dict[str, Any]:
    """``view`` as ``who`` may see it: whole for the review chain, else the applicant's side."""
    async with scoring.reading() as tx:
        if await in_review_chain(tx, who, view["entity_id"]):
            return view
    return application_for_applicant(view)


async def application_view(scoring: Scoring, tenant: str, application_id: str) -> dict[str, Any]:
    async with scoring.reading() as tx:
        events = await read_stream(tx.conn, tenant, f"application:{application_id}")
        state = fold((e.type.split(".")[4], e.data) for e in events)
        if state is None:
            raise NotFound(
                f"申报不存在：{application_id}", f"application {application_id} not found"
            )
        campaign = await tx.campaign(tenant, state.campaign_id)
    state = replace(state, chain=campaign.review_chain)
    stage = state.acting_stage
    view: dict[str, Any] = {
        "id": application_id,
        "campaign_id": state.campaign_id,
        "batch_id": state.batch_id,
        "entity_id": state.entity_id,
        "entity_name": state.entity_name,
        "entity_kind": state.entity_kind,
        "township_id": state.township_id,
        "status": state.status.value,
        "status_zh": STATUS_ZH[Status(state.status)],
        "version": state.version,
        "self_assessment": None,
        "inspections": [],
        "final_score": state.final_score,
        "public_notice": None,
        "objections": [],
        "rectification_orders": [],
        "spot_checks": [],
        "awarded_on": None,
        "delisting": None,
        "rejection": None,
        "stage": {"key": stage.key, "name": stage.name} if state.status in IN_REVIEW else None,
        "next": sorted(state.chain_commands()),
        "county_record": None,
        "send_backs": [],
        "rectification": None,
    }
    for event in events:
        _add(view, event.type.split(".")[4], event.data, event.metadata.actor)
        change = event.type.split(".")[4]
        if change == "sent_back":  # the applicant must read what to correct
            view["send_backs"][-1]["note"] = (event.private or {}).get("note")
        elif change == "rejected":  # and what to rectify before the next batch
            view["rejection"]["note"] = (event.private or {}).get("note")
    return view


async def list_applications(
    scoring: Scoring,
    who: Principal,
    campaign_id: str | None,
    batch_id: str | None,
    status: str | None,
) -> dict[str, Any]:
    """The applications a caller may see: all of the county's for county roles with an unscoped
    token, those under its scope for a scoped one, none for an unscoped token of another role.
    Running scores stay hidden from the applicant's side until the result."""
    require_role(who, READERS)
    async with scoring.reading() as tx:
        visible: set[str] | None = None  # the whole county
        if who.scope is not None:
            visible = set(await registry_replica.subtree(tx.conn, who.tenant, who.scope))
        elif not in_scope(who, []):
            visible = set()
        rows = await tx.conn.fetch(
            f"SELECT application_id AS id, campaign_id, batch_id, entity_id, entity_name,"
            f" entity_kind, township_id, status, self_total, final_score, notice_closes_on,"
            f" awarded_on, updated_at FROM {tx.t['applications']} WHERE tenant = $1"
            " AND (CAST($2 AS TEXT) IS NULL OR campaign_id = $2)"
            " AND (CAST($3 AS TEXT) IS NULL OR batch_id = $3)"
            " AND (CAST($4 AS TEXT) IS NULL OR status = $4)"
            " ORDER BY updated_at, application_id",
            who.tenant,
            campaign_id,
            batch_id,
            status,
        )
    if visible is not None:
        rows = [r for r in rows if r["entity_id"] in visible]
    return {"applications": [_listed(who, row) for row in rows]}


def _listed(who: Principal, row: dict[str, Any]) -> dict[str, Any]:
    chain = who.role in REVIEW_CHAIN and who.scope != row["entity_id"]
    if chain or result_known(row["status"]):
        return row
    return {**row, "final_score": None}


def _add(view: dict[str, Any], change: str, d: dict[str, Any], actor: str) -> None:
    match change:
        case "self_assessed":
            view["self_assessment"] = {
                "total": d["total"],
                "scores": d["scores"],
                "vetoes_failed": d["vetoes_failed"],
            }
        case "inspection_recorded":
            view["inspections"].append(
                {
                    "id": d["inspection_id"],
                    "kind": d["kind"],
                    "inspector": actor,
                    "total": d["total"],
                    "scores": d["scores"],
                    "vetoes_failed": d["vetoes_failed"],
                    "evidence": d["evidence"],
                }
            )
        case "public_notice_opened":
            view["public_notice"] = {"opens_on": d["opens_on"], "closes_on": d["closes_on"]}
        case "objection_filed":
            view["objections"].append({"id": d["objection_id"], "status": "pending", "count": 1})
        case "objection_repeated":
            for objection in view["objections"]:
                if objection["id"] == d["objection_id"]:
                    objection["count"] += 1
        case "objection_ruled":
            for objection in view["objections"]:
                if objection["id"] == d["objection_id"]:
                    objection["status"] = "upheld" if d["upheld"] else "dismissed"
        case "rejected":
            view["rejection"] = {"stage": d["stage"]}
        case "sent_back":  # the next round is scored afresh; the audit keeps the old one
            view["inspections"] = []
            view["send_backs"].append({"stage": d["stage"], "by": actor})
        case "awarded":
            view["awarded_on"] = d["awarded_on"]
        case "county_recorded":
            view["county_record"] = {"record_ref": d["record_ref"], "by": actor}
        case "rectified":
            view["rectification"] = {"evidence": d["evidence"], "by": actor}
        case "spot_check_recorded":
            view["spot_checks"].append(
                {"id": d["inspection_id"], "total": d["total"], "passed": d["passed"]}
            )
        case "rectification_ordered":
            view["rectification_orders"].append(
                {"id": d["order_id"], "due_on": d["due_on"], "completed": False}
            )
        case "rectification_completed":
            for order in view["rectification_orders"]:
                if order["id"] == d["order_id"]:
                    order["completed"] = True
        case "delisted":
            view["delisting"] = {
                "reason": d["reason"],
                "delisted_on": d["delisted_on"],
                "cause_event_id": d["cause_event_id"],
                "cause_type": d["cause_type"],
            }
