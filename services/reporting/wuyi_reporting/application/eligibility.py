"""Eligibility as a policy: explained on demand, and published as events when it flips.

Cases and lifts re-evaluate the entities they touch at once. Reports (submitted, corrected,
missed) are many and only move the reporting rule, so the worker follows reporting's own log and
re-evaluates the entities they touched, batched, a tick later (``follow_reports``). A periodic
sweep catches the flips that only time makes (the 14th clean day). Publishing compares with the
last published state, so re-evaluating is always safe, also after a crash.

Refreshes race (requests, the report follower, the sweep, replicas), and one working from a
stale view may publish the opposite of the truth just after the true flip. So a refresh does
not stop at its own publish: per entity it brings the projections current, evaluates, reads the
published state, and stops only when they agree; otherwise it appends at the version it read and
evaluates again, also after losing the append to another writer (``ConcurrencyConflict``).
Why that converges, given that every change of an input is followed by a refresh: take the last
publish. Its writer evaluated afresh after it and found agreement (or it would have published
again). If no input changed after that evaluation began, the last publish is true. If some did,
the refresh that followed the last such change evaluated every input, read nothing newer than
the last publish, and stopped only on agreement: the last publish is true again.
"""

from __future__ import annotations

import logging
from datetime import date

from wuyi_contracts.reporting import EligibilityGained, EligibilityLost
from wuyi_core.errors import ConcurrencyConflict, NotFound
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.tracking import get_checkpoint, set_checkpoint

from wuyi_reporting.application.days import expected_on
from wuyi_reporting.bootstrap import Reporting
from wuyi_reporting.domain import eligibility as rules
from wuyi_reporting.domain.eligibility import Eligibility

log = logging.getLogger(__name__)

ROUNDS = 8  # an entity that never settles is left to the next sweep
TITLE_KINDS = frozenset(
    {"township", "village", "community", "compound", "unit", "enterprise", "school", "park"}
)


async def explain(
    rep: Reporting,
    tenant: str,
    entity_id: str,
    cycle_days: int | None = None,
    as_of: date | None = None,
) -> tuple[Eligibility, int, date]:
    if await rep.reads.entity(tenant, entity_id) is None:
        raise NotFound(f"主体不存在：{entity_id}", f"entity {entity_id} not found")
    settings, _ = await rep.reads.settings(tenant)
    cycle = cycle_days or settings.cycle_days
    today = as_of or settings.local_date(rep.clock.now())
    subtree = await rep.reads.subtree(tenant, entity_id)
    cases = await rep.reads.cases(tenant, subtree)
    grids = await rep.reads.grids_of(tenant, subtree)
    days = rules.window(today, cycle)
    reports = await rep.reads.reports(tenant, [g["id"] for g in grids], days[0], days[-1])
    received = {(r["grid_id"], r["day"]) for r in reports if r["received"]}
    report_days = {}
    for day in days:
        expected = expected_on(grids, day, settings)
        got = sum((g["id"], day.isoformat()) in received for g in expected)
        report_days[day] = (len(expected), got)
    live_grids = [g for g in grids if not g["closed_at"]]
    return rules.evaluate(cases, report_days, len(live_grids), today, cycle), cycle, today


async def refresh(
    rep: Reporting, tenant: str, entity_ids: list[str], metadata: EventMetadata
) -> int:
    """Publish EligibilityGained/Lost for each title entity whose state differs; returns flips."""
    flips = 0
    for entity_id in entity_ids:
        entity = await rep.reads.entity(tenant, entity_id)
        if entity is None or entity["kind"] not in TITLE_KINDS or entity["closed_at"]:
            continue
        flips += await _settle(rep, tenant, entity_id, metadata)
    return flips


async def _settle(rep: Reporting, tenant: str, entity_id: str, metadata: EventMetadata) -> int:
    """Publish until the published state equals a fresh evaluation; returns flips."""
    flips = 0
    for _ in range(ROUNDS):
        await rep.catch_up()
        result, cycle, today = await explain(rep, tenant, entity_id)
        state = await rep.reads.published_state(tenant, entity_id)
        if state is not None and bool(state["eligible"]) == result.eligible:
            return flips
        model = EligibilityGained if result.eligible else EligibilityLost
        event = model(
            entity_id=entity_id,
            as_of=today,
            cycle_days=cycle,
            clean_days=result.clean_days,
            failed_rules=result.failed_rules,
        )
        version = 0 if state is None else int(state["version"])
        try:
            await rep.write(
                metadata, tenant, f"eligibility:{entity_id}", version, [NewEvent(event)]
            )
            flips += 1
        except ConcurrencyConflict:
            pass  # published meanwhile, perhaps from a stale view: evaluate again
    log.warning("eligibility of %s unsettled after %d rounds; left to the sweep", entity_id, ROUNDS)
    return flips


async def refresh_lineage(
    rep: Reporting, tenant: str, entity_id: str, metadata: EventMetadata
) -> int:
    """An event in an entity touches it and every entity above it."""
    return await refresh(rep, tenant, await rep.reads.lineage(tenant, entity_id), metadata)


async def sweep(rep: Reporting, new_only: bool = False) -> int:
    """Re-evaluate every entity (or only those never published yet, after the entities touched
    by new reports); returns the flips."""
    flips = await follow_reports(rep) if new_only else 0
    for tenant in await rep.reads.tenants():
        entities = await (
            rep.reads.unpublished_entities(tenant)
            if new_only
            else rep.reads.tenant_entities(tenant)
        )
        flips += await refresh(rep, tenant, entities, EventMetadata.system("eligibility-sweep"))
    return flips


REPORT_EVENTS = frozenset({"submitted", "corrected", "missed"})
FOLLOWER = "eligibility-after-reports"


async def follow_reports(rep: Reporting, batch: int = 2000) -> int:
    """Re-evaluate the entities whose reports changed since the last call; returns flips."""
    async with rep.store.db.read() as conn:
        position = await get_checkpoint(conn, FOLLOWER)
    flips = 0
    while events := await rep.store.read_all(position, batch):
        touched = {
            (e.tenant, e.data["entity_id"])
            for e in events
            if e.type.split(".")[3] == "grid_report" and e.type.split(".")[4] in REPORT_EVENTS
        }
        metadata = EventMetadata.system("eligibility-after-reports")
        for tenant, entity_id in sorted(touched):
            flips += await refresh_lineage(rep, tenant, entity_id, metadata)
        position = events[-1].position
        async with rep.store.db.transaction() as conn:
            await set_checkpoint(conn, FOLLOWER, position)
    return flips
