"""The demo's scoring chapter: a 无疫村（社区） campaign on seed 003's rubric, told over the last
days of the reporting history.

The county launches the campaign and opens its first batch (首批); the villages and communities
that reporting made eligible, and that were already clean for the campaign's cycle on the day it
was launched, assess themselves and apply; the township rejects one with a note and recommends the
rest; the county inspects them (明查, then 暗访 for most), opens the public notice (公示),
dismisses one objection and upholds another, and awards the rest once the notice has run. The
day before "today" a confirmed case is reported in one awarded village, and scoring's delisting
policy takes its title at once (摘牌, reason ``case``).

Everything goes through the services' application layer with the actors' own principals, and
scoring learns of registry and reporting only through its consumers, driven here to the end of
the logs. The clock moves forward from ``FIRST_DAY`` days before "today" to yesterday, never
past now. The chapter is told once per tenant (keyed by the campaign's document number).

The reporting chapter publishes its eligibility verdicts as of "today" (its final sweep), after
the days this chapter is set in; scoring counts a verdict's clean days back to its own day, so
an entity whose last case was fewer than ``CYCLE_DAYS`` days before the launch does not apply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from wuyi_contracts.registry import EntityKind
from wuyi_contracts.rubric import RubricBody
from wuyi_contracts.scoring import InspectionKind, Phase, Quotas
from wuyi_core.auth import Principal, Role
from wuyi_core.clock import SettableClock
from wuyi_core.eventstore.records import new_id
from wuyi_reporting.application import cases
from wuyi_reporting.application import commands as reporting_commands
from wuyi_scoring.application import applications, campaigns, evaluation, objections
from wuyi_scoring.application import commands as c
from wuyi_scoring.application.views import application_view
from wuyi_scoring.domain.rubric import assess
from wuyi_scoring.domain.seed_rubrics import BUILT_IN
from wuyi_scoring.worker import consumers

from wuyi.services import Services

Progress = Callable[[str, int, int], None]

DOC_NUMBER = "示政办〔2022〕8号"
RUBRIC_ID = "seed-003-compound-v1"
NOTICE_DAYS = 5
FIRST_DAY = 11  # the campaign is launched this many days before "today"
CYCLE_DAYS = 14
KINDS: tuple[EntityKind, ...] = ("village", "community")
MAX_APPLICANTS = 8
STEPS = 9
INSPECTIONS: tuple[tuple[int, InspectionKind, float], ...] = (
    (FIRST_DAY - 2, "open", 3.0),  # 明查 on day -9: every recommended applicant
    (FIRST_DAY - 3, "unannounced", 4.0),  # 暗访 on day -8: all but the last one
)
NOTICE_DAY = FIRST_DAY - 4
AWARD_DAY = NOTICE_DAY - NOTICE_DAYS


@dataclass
class Applicant:
    """One applicant, the part it plays, and the totals the rubric gave it."""

    n: int
    entity_id: str
    name: str
    role: str  # awarded | township_rejected | objection_upheld
    application_id: str = ""
    township_id: str = ""
    totals: dict[str, float] = field(default_factory=dict)
    final: float | None = None
    delisted: bool = False


async def catch_up_scoring(services: Services) -> None:
    """Run scoring's consumers (registry replica, then delisting policy) to the end of the
    registry and reporting logs."""
    for runner in consumers(services.scoring, services.embedded_bus()):
        await runner.drain()


async def told(services: Services, tenant: str) -> bool:
    async with services.scoring.reading() as tx:
        rows = await tx.conn.fetch(
            f"SELECT data FROM {tx.t['campaigns']} WHERE tenant = $1", tenant
        )
    return any(json.loads(r["data"])["doc_number"] == DOC_NUMBER for r in rows)


async def applicants(services: Services, tenant: str, launched: date) -> list[tuple[str, str]]:
    """(id, name) of the open villages and communities (villages first) whose latest verdict
    in scoring is eligible and whose last case, if any, was at least ``CYCLE_DAYS`` days before
    ``launched``; at most ``MAX_APPLICANTS``."""
    async with services.scoring.store.db.read() as conn:
        rows = await conn.fetch(
            "SELECT r.id, r.name, r.kind, e.as_of, e.clean_days FROM registry_entities r"
            " JOIN eligibility e ON e.entity_id = r.id AND e.tenant = r.tenant"
            " WHERE r.tenant = $1 AND r.closed_at IS NULL AND e.eligible = 1",
            tenant,
        )
    clean = [
        r
        for r in rows
        if r["kind"] in KINDS
        and (
            r["clean_days"] is None
            or r["clean_days"] - (date.fromisoformat(r["as_of"]) - launched).days >= CYCLE_DAYS
        )
    ]
    clean.sort(key=lambda r: (KINDS.index(r["kind"]), r["name"], r["id"]))
    return [(r["id"], r["name"]) for r in clean[:MAX_APPLICANTS]]


def cast(found: list[tuple[str, str]]) -> list[Applicant]:
    """Roles by count: the first three applicants are awarded; a fourth lets the township
    reject one, a fifth lets an objection be upheld; every further applicant is awarded."""
    roles = ["awarded"] * len(found)
    if len(found) >= 4:
        roles[1] = "township_rejected"
    if len(found) >= 5:
        roles[3] = "objection_upheld"
    return [
        Applicant(n, entity_id, name, role)
        for n, ((entity_id, name), role) in enumerate(zip(found, roles, strict=True))
    ]


def item_scores(rubric: RubricBody, short: float, turn: int) -> dict[str, float | bool]:
    """Full marks on every item less ``short`` points, taken a point or half a point at a time
    from the larger items, starting at a different item for each ``turn``; checks hold."""
    scores: dict[str, float | bool] = {
        item.id: True if item.max_points is None else float(item.max_points)
        for item in rubric.items()
    }
    large = [item for item in rubric.items() if item.max_points and item.max_points >= 5]
    step = 0
    while short > 0:
        item = large[(turn + 3 * step) % len(large)]
        cut = min(1.0 if step % 2 == 0 else 0.5, short)
        scores[item.id] = float(scores[item.id]) - cut
        short -= cut
        step += 1
    return scores


async def tell_scoring(
    services: Services,
    clock: SettableClock,
    tenant: str,
    start: date,
    days: int,
    progress: Progress | None = None,
) -> list[Applicant]:
    """Tell the scoring chapter over the last days of a history of ``days`` days from
    ``start``; returns the applicants, none if the chapter was told already, the history is
    shorter than the chapter, or no village is eligible."""
    today = start + timedelta(days=days)
    if days <= FIRST_DAY or await told(services, tenant):
        return []
    zone = (await services.reporting.reads.settings(tenant))[0].zone
    step = 0

    def at(days_before: int, hour: int, minute: int = 0) -> None:
        moment = datetime.combine(today - timedelta(days=days_before), time(hour, minute), zone)
        if moment > datetime.now(UTC):
            raise RuntimeError(f"the demo's scoring chapter would run in the future: {moment}")
        clock.set(moment)

    def done() -> None:
        nonlocal step
        step += 1
        if progress:
            progress("scoring", step, STEPS)

    at(FIRST_DAY, 8, 30)
    await catch_up_scoring(services)
    first = today - timedelta(days=FIRST_DAY)
    entrants = cast(await applicants(services, tenant, first))
    if not entrants:
        return []
    rubric = BUILT_IN[RUBRIC_ID]
    cid = new_id()
    admin = Principal("county-admin", tenant, Role.COUNTY_ADMIN, None)
    inspectors = {
        "open": Principal("county-inspector-1", tenant, Role.COUNTY_EVALUATOR, None),
        "unannounced": Principal("county-inspector-2", tenant, Role.COUNTY_EVALUATOR, None),
    }
    evaluator = Principal("county-evaluation-office", tenant, Role.COUNTY_EVALUATOR, None)

    # Day -11: the campaign, its first batch, every applicant's self-assessment and submission.
    at(FIRST_DAY, 9)
    campaign = await campaigns.launch_campaign(
        services.scoring,
        admin,
        cid,
        c.LaunchCampaign(
            title="示范县“无疫村（社区）”创建活动",
            doc_number=DOC_NUMBER,
            issuer="示范县人民政府办公室",
            award_title="无疫村（社区）",
            entity_kinds=list(KINDS),
            rubric_id=RUBRIC_ID,
            cycle_days=CYCLE_DAYS,
            notice_days=NOTICE_DAYS,
            phases=[
                Phase(name="自评申报", deadline=first + timedelta(days=1)),
                Phase(name="乡镇初审推荐", deadline=first + timedelta(days=2)),
                Phase(name="县级评定", deadline=first + timedelta(days=4)),
                Phase(name="公示授牌", deadline=today - timedelta(days=AWARD_DAY)),
            ],
            quotas=Quotas(per_township=1),
        ),
    )
    batch = await campaigns.open_batch(
        services.scoring,
        admin,
        cid,
        campaign["id"],
        c.OpenBatch(name="首批", opens_on=first, closes_on=first + timedelta(days=14)),
    )
    done()
    for v in entrants:
        at(FIRST_DAY, 10 + v.n % 6, (v.n * 13) % 60)
        who = Principal(f"entity-admin-{v.n + 1}", tenant, Role.ENTITY_ADMIN, v.entity_id)
        opened = await applications.open_application(
            services.scoring,
            who,
            cid,
            c.OpenApplication(
                campaign_id=campaign["id"], batch_id=batch["id"], entity_id=v.entity_id
            ),
        )
        v.application_id, v.township_id = opened["id"], opened["township_id"]
        scores = item_scores(rubric, 1 + v.n % 3, v.n)
        v.totals["self"] = assess(rubric, scores).total
        await applications.self_assess(
            services.scoring, who, cid, v.application_id, c.SelfAssess(scores=scores)
        )
        await applications.submit(
            services.scoring, who, cid, v.application_id, c.Submit(note="自评达标，申请评定")
        )
    done()

    # Day -10: the township's review (初审) and recommendation (推荐).
    townships = sorted({v.township_id for v in entrants})
    for v in entrants:
        at(FIRST_DAY - 1, 9 + v.n % 8, (v.n * 7) % 60)
        reviewer = Principal(
            f"township-reviewer-{townships.index(v.township_id) + 1}",
            tenant,
            Role.TOWNSHIP_REVIEWER,
            v.township_id,
        )
        if v.role == "township_rejected":
            note = "重点人群台账不全，请整改后下一批次复验（示例）"
            await applications.township_review(
                services.scoring,
                reviewer,
                cid,
                v.application_id,
                c.TownshipReview(decision="reject", note=note),
            )
            continue
        await applications.township_review(
            services.scoring,
            reviewer,
            cid,
            v.application_id,
            c.TownshipReview(decision="approve", note="材料齐全，同意上报"),
        )
        await applications.recommend(
            services.scoring, reviewer, cid, v.application_id, c.Recommend(note="推荐参评首批")
        )
    done()
    recommended = [v for v in entrants if v.role != "township_rejected"]

    # Days -9 and -8: open inspections (明查), then unannounced visits (暗访).
    photo = 0
    for days_before, kind, short in INSPECTIONS:
        visited = recommended if kind == "open" else recommended[:-1]
        for v in visited:
            at(days_before, 9 + v.n % 8, (v.n * 11) % 60)
            scores = item_scores(rubric, short + (v.n * 2) % 5, v.n + days_before)
            v.totals[kind] = assess(rubric, scores).total
            photo += 2
            evidence = [f"照片-{photo - 1:03d}.jpg", f"照片-{photo:03d}.jpg", "检查记录表.pdf"]
            inspected = await evaluation.inspect(
                services.scoring,
                inspectors[kind],
                cid,
                v.application_id,
                c.RecordInspection(kind=kind, scores=scores, evidence=evidence),
            )
            v.final = inspected["final_score"]
    done()

    # Day -7: the public notice (公示) opens for ``NOTICE_DAYS`` days.
    for v in recommended:
        at(NOTICE_DAY, 10, v.n % 60)
        await evaluation.open_public_notice(
            services.scoring, evaluator, cid, v.application_id, c.OpenPublicNotice()
        )
    done()

    # Days -6 to -4: an objection dismissed; another upheld, which ends that application.
    awarded = [v for v in recommended if v.role == "awarded"]
    rulings: list[tuple[Applicant, str, bool, str]] = []
    at(NOTICE_DAY - 1, 11)
    filed = await objections.file_objection(
        services.scoring,
        tenant,
        new_id(),
        awarded[0].application_id,
        c.FileObjection(text="反映卡口夜间值守不到位（示例）"),
        client=f"demo-public-{awarded[0].n}",
    )
    rulings.append((awarded[0], filed["id"], False, "经核实卡口24小时值守，异议不成立（示例）"))
    for v in recommended:
        if v.role == "objection_upheld":
            at(NOTICE_DAY - 2, 15)
            filed = await objections.file_objection(
                services.scoring,
                tenant,
                new_id(),
                v.application_id,
                c.FileObjection(
                    text="反映外来人员登记不全（示例）", contact="示例联系人 13800000000"
                ),
                client=f"demo-public-{v.n}",  # each objection from someone else
            )
            rulings.append((v, filed["id"], True, "经核实情况属实，本批次不予授牌（示例）"))
    at(NOTICE_DAY - 3, 16)
    for v, objection_id, upheld, note in rulings:
        await evaluation.rule_objection(
            services.scoring,
            evaluator,
            cid,
            v.application_id,
            objection_id,
            c.RuleObjection(upheld=upheld, note=note),
        )
    done()

    # Day -2: the notice has run; the county awards the title (授牌).
    for v in awarded:
        at(AWARD_DAY, 10, v.n % 60)
        await evaluation.award(
            services.scoring, evaluator, cid, v.application_id, c.Award(note="公示期满，予以授牌")
        )
    done()

    # Day -1: a confirmed case in the first awarded village; the policy delists it at once.
    struck = awarded[0]
    at(1, 9, 30)
    reporter = Principal(
        f"entity-admin-{struck.n + 1}", tenant, Role.ENTITY_ADMIN, struck.entity_id
    )
    await cases.report_case(
        services.reporting,
        reporter,
        new_id(),
        reporting_commands.ReportCase(
            entity_id=struck.entity_id, kind="confirmed", date=today - timedelta(days=1)
        ),
    )
    done()
    at(1, 9, 31)
    await catch_up_scoring(services)
    view = await application_view(services.scoring, tenant, struck.application_id)
    if view["status"] != "delisted":
        raise RuntimeError(
            f"the case did not delist {struck.name} (status {view['status']}); "
            "see `wuyi dead-letters list`"
        )
    struck.delisted = True
    done()
    return entrants
