"""Objections (异议) during public notice: filed by anyone, rate limited per client and per
application, merged when repeated, and ruled one at a time or many at once, so that a flood
cannot hold an award hostage (rules in ``domain/objections.py``)."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.scoring import (
    ApplicationRejected,
    ObjectionFiled,
    ObjectionRepeated,
    ObjectionRuled,
)
from wuyi_core.auth import Principal
from wuyi_core.errors import Conflict, TooManyRequests
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id
from wuyi_core.telemetry import traceparent

from wuyi_scoring.adapters import objection_counts
from wuyi_scoring.adapters.tx import Tx
from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import COUNTY, acting_on
from wuyi_scoring.application.assessing import note
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain import objections as rules


async def file_objection(
    scoring: Scoring,
    tenant: str,
    cid: str,
    application_id: str,
    cmd: c.FileObjection,
    client: str,
) -> dict[str, Any]:
    """Anyone may object during the notice window; the text and contact stay private. The same
    text again counts on the first objection instead of opening another."""
    async with scoring.transaction(tenant) as tx:
        app = await tx.application(tenant, application_id)
        app.expect("object")
        assert app.notice_closes_on is not None
        if await tx.today(tenant) >= app.notice_closes_on:
            raise Conflict(
                f"公示期已于 {app.notice_closes_on} 结束，不再受理异议",
                f"the public notice closed on {app.notice_closes_on}; objections are closed",
            )
        await _within_limits(tx, tenant, application_id, client)
        filed = await tx.conn.fetch(
            f"SELECT objection_id, text, status FROM {tx.t['objections']}"
            " WHERE tenant = $1 AND application_id = $2 ORDER BY filed_at, objection_id",
            tenant,
            application_id,
        )
        repeated = rules.duplicate_of(cmd.text, [(r["objection_id"], r["text"]) for r in filed])
        objection_id = repeated or new_id()
        event = (
            ObjectionRepeated(application_id=application_id, objection_id=objection_id)
            if repeated
            else ObjectionFiled(application_id=application_id, objection_id=objection_id)
        )
        private = {"text": cmd.text, "contact": cmd.contact}
        metadata = EventMetadata(
            actor="public", role="public", correlation_id=cid, traceparent=traceparent()
        )
        await tx.record(tenant, app, [NewEvent(event, private)], metadata)
    status = next((r["status"] for r in filed if r["objection_id"] == repeated), "pending")
    return {
        "id": objection_id,
        "application_id": application_id,
        "status": status,
        "duplicate": repeated is not None,
    }


async def _within_limits(tx: Tx, tenant: str, application_id: str, client: str) -> None:
    """Count this filing against its client and its application (409-free: a 429 with the
    seconds to wait); a refused filing rolls back and counts nothing."""
    window = rules.window(tx.clock.now())
    wait = window.retry_after
    limits = (
        (
            rules.client_key(tenant, client),
            rules.PER_CLIENT,
            f"每个来源每小时最多提交 {rules.PER_CLIENT} 条异议，请 {wait} 秒后再试",
            f"at most {rules.PER_CLIENT} objections an hour from one client; retry in {wait} s",
        ),
        (
            rules.application_key(application_id),
            rules.PER_APPLICATION,
            f"该申报每小时最多受理 {rules.PER_APPLICATION} 条异议，请 {wait} 秒后再试",
            f"at most {rules.PER_APPLICATION} objections an hour on one application;"
            f" retry in {wait} s",
        ),
    )
    for key, limit, zh, en in limits:
        if await objection_counts.take(tx.conn, key, window.key) > limit:
            raise TooManyRequests(zh, en, wait)


async def rule_objections(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.RuleObjections
) -> dict[str, Any]:
    """One ruling on many objections, recorded as one ruling event each; upheld rejects the
    application once. Every id named must be pending (409 naming the first that is not)."""
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, COUNTY, "rule")
        targets = sorted(app.pending_objections) if cmd.all_pending else cmd.objection_ids or []
        for objection_id in targets:
            if objection_id not in app.pending_objections:
                raise Conflict(
                    f"没有待裁定的异议：{objection_id}",
                    f"objection {objection_id} is not pending on this application",
                    "objection_ids",
                )
        if not targets:
            raise Conflict("没有待裁定的异议", "no objection is pending", "objection_ids")
        events = [
            NewEvent(
                ObjectionRuled(application_id=application_id, objection_id=oid, upheld=cmd.upheld),
                note(cmd.note),
            )
            for oid in dict.fromkeys(targets)
        ]
        if cmd.upheld:
            rejected = ApplicationRejected(application_id=application_id, stage="public_notice")
            events.append(NewEvent(rejected, note(cmd.note)))
        await tx.record(who.tenant, app, events, EventMetadata.of(who, cid))
    return await application_view(scoring, who.tenant, application_id)
