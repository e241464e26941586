"""The county's reminders: a phase deadline approaching, and townships short of their quota in a
batch about to close. Each is sent once, by its key (campaign and phase, or batch and township),
claimed in the same transaction as the message: a sweep run again, by a second worker, or by
a worker that was down over the day sends nothing twice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wuyi_contracts.envelope import Envelope, source_for
from wuyi_core import tenant_zones
from wuyi_core.db.port import AbstractConnection

from wuyi_notifier.adapters import calendar, deliveries, inbox
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.rules import REMINDERS
from wuyi_notifier.domain.templates import PHASE_DEADLINE, QUOTA_SHORT, Template, render

LOCK = "notifier.reminders"
_TYPES = {r.kind: r.event_type for r in REMINDERS}


async def sweep_reminders(notifier: Notifier) -> int:
    """Send every county reminder due today; returns how many were sent."""
    sent = 0
    warn = timedelta(days=notifier.settings.warning_days)
    async with notifier.db.transaction(lock=LOCK) as conn:
        for campaign in await calendar.campaigns(conn):
            today = await _today(notifier, conn, campaign["tenant"])
            for phase in campaign["phases"]:
                deadline = date.fromisoformat(phase["deadline"])
                if today <= deadline <= today + warn:
                    facts = {**campaign, "phase": phase["name"], "deadline": deadline}
                    key = f"phase_deadline:{campaign['campaign_id']}:{phase['name']}"
                    sent += await _remind(notifier, conn, key, PHASE_DEADLINE, facts)
        for batch in await calendar.batches(conn):
            today = await _today(notifier, conn, batch["tenant"])
            if today <= date.fromisoformat(batch["closes_on"]) <= today + warn:
                sent += await _quotas(notifier, conn, batch)
    return sent


async def _quotas(notifier: Notifier, conn: AbstractConnection, batch: dict[str, Any]) -> int:
    quota = batch["per_township"]
    if not quota:
        return 0
    counts = await calendar.applications_by_township(conn, batch["batch_id"])
    townships, _ = await calendar.townships_and_county(conn, batch["tenant"])
    sent = 0
    for town in townships:
        count = counts.get(town["id"], 0)
        if count < quota:
            facts = {
                **batch,
                "batch_name": batch["name"],
                "township_name": town["name"],
                "count": count,
                "quota": quota,
            }
            key = f"quota_short:{batch['batch_id']}:{town['id']}"
            sent += await _remind(notifier, conn, key, QUOTA_SHORT, facts)
    return sent


async def _remind(
    notifier: Notifier,
    conn: AbstractConnection,
    key: str,
    template: Template,
    facts: dict[str, Any],
) -> int:
    _, county = await calendar.townships_and_county(conn, facts["tenant"])
    if county is None:
        return 0
    return await remind(notifier, conn, key, template, facts, ("county_evaluator", county))


async def remind(
    notifier: Notifier,
    conn: AbstractConnection,
    key: str,
    template: Template,
    facts: dict[str, Any],
    box: tuple[str, str],
) -> int:
    """File the reminder in the mailbox ``box`` (role, scope) unless its key was claimed before;
    the claim, the item and its delivery record commit together. Returns 1 if sent."""
    tenant, now = facts["tenant"], notifier.clock.now()
    if not await calendar.remembered(conn, key, tenant, now):
        return 0
    kind = key.split(":")[0]
    envelope = Envelope(
        id=f"reminder:{key}",
        source=source_for(tenant, "notifier"),
        type=_TYPES[kind],
        subject=key,
        time=now,
        tenant=tenant,
        data={"key": key},
    )
    message = render(template, facts)
    await inbox.put(conn, tenant, *box, envelope.id, envelope.type, message, now)
    await deliveries.record(conn, envelope, "@".join(box), "inbox", now, delivered=True)
    return 1


async def _today(notifier: Notifier, conn: AbstractConnection, tenant: str) -> date:
    return notifier.clock.now().astimezone(ZoneInfo(await tenant_zones.zone(conn, tenant))).date()
