"""Commands of dynamic management (动态管理) on titled entities: manual delisting, spot checks,
rectification orders, and the sweep that delists an order left undone past its deadline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from wuyi_contracts.scoring import (
    RectificationCompleted,
    RectificationOrdered,
    SpotCheckRecorded,
)
from wuyi_core.auth import Principal
from wuyi_core.errors import Conflict, NotFound
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id
from wuyi_core.eventstore.store import read_stream

from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import APPLICANTS, COUNTY, ORDERERS, acting_on, authorize
from wuyi_scoring.application.assessing import assessed, note
from wuyi_scoring.application.titles import delist
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring


async def delist_entity(
    scoring: Scoring, who: Principal, cid: str, entity_id: str, cmd: c.Delist
) -> list[dict[str, Any]]:
    """Manual delisting by the county (spot check, fraud, complaints, rectification)."""
    async with scoring.transaction(who.tenant) as tx:
        await authorize(tx, who, COUNTY, entity_id)
        held = await tx.holders(who.tenant, [entity_id], cmd.campaign_id)
        if not held:
            raise Conflict(
                "该主体当前未持有称号，无需摘牌",
                "the entity holds no title" + (" in that campaign" if cmd.campaign_id else ""),
                "entity_id",
            )
        ids = [row["application_id"] for row in held]
        for application_id in ids:
            await delist(
                tx,
                who.tenant,
                application_id,
                cmd.reason,
                EventMetadata.of(who, cid),
                private=note(cmd.note),
            )
    return [await application_view(scoring, who.tenant, i) for i in ids]


async def spot_check(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.SpotCheck
) -> dict[str, Any]:
    """A county spot check; failing it (below the pass mark, or a veto) delists at once."""
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, COUNTY, "spot_check")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        rubric, _ = await tx.rubric(who.tenant, campaign.rubric_id)
        result, scores = assessed(rubric, cmd.scores)
        event = SpotCheckRecorded(
            application_id=application_id,
            inspection_id=new_id(),
            scores=scores,
            total=result.total,
            vetoes_failed=list(result.vetoes_failed),
            evidence=cmd.evidence,
            passed=result.reaches(campaign.pass_mark),
        )
        metadata = EventMetadata.of(who, cid)
        [stored] = await tx.record(who.tenant, app, [NewEvent(event)], metadata)
        if not event.passed:
            await delist(
                tx,
                who.tenant,
                application_id,
                "spot_check",
                metadata,
                (stored.event_id, stored.type),
            )
    return await application_view(scoring, who.tenant, application_id)


async def order_rectification(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.OrderRectification
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, ORDERERS, "order_rectification")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        today = await tx.today(who.tenant)
        due = cmd.due_on or today + timedelta(days=campaign.delisting.rectification_days)
        if due < today:
            raise Conflict("整改期限不能早于今天", "due_on: must not be in the past", "due_on")
        event = RectificationOrdered(application_id=application_id, order_id=new_id(), due_on=due)
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


async def complete_rectification(
    scoring: Scoring,
    who: Principal,
    cid: str,
    application_id: str,
    order_id: str,
    cmd: c.CompleteRectification,
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, APPLICANTS, "complete_rectification")
        if order_id not in app.open_orders:
            raise NotFound(f"没有未完成的整改通知：{order_id}", f"no open order {order_id}")
        event = RectificationCompleted(
            application_id=application_id, order_id=order_id, evidence=cmd.evidence
        )
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


async def sweep_overdue(scoring: Scoring) -> int:
    """Delist every title whose rectification order passed its deadline undone; idempotent."""
    async with scoring.reading() as tx:
        rows = await tx.conn.fetch(
            f"SELECT o.tenant, o.application_id, o.order_id, o.due_on FROM {tx.t['orders']} o"
            f" JOIN {tx.t['applications']} a ON a.application_id = o.application_id"
            " WHERE o.completed_on IS NULL AND a.status = 'awarded' ORDER BY o.due_on"
        )
    delisted = 0
    for row in rows:
        async with scoring.transaction(row["tenant"]) as tx:
            if await tx.today(row["tenant"]) <= date.fromisoformat(row["due_on"]):
                continue
            stream = await read_stream(
                tx.conn, row["tenant"], f"application:{row['application_id']}"
            )
            order = next(e for e in stream if e.data.get("order_id") == row["order_id"])
            metadata = EventMetadata.system("rectification-deadline")
            if await delist(
                tx,
                row["tenant"],
                row["application_id"],
                "rectification_overdue",
                metadata,
                (order.event_id, order.type),
            ):
                delisted += 1
    return delisted
