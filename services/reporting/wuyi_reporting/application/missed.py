"""Missed reports are facts: at each deadline every expected grid without a report of the day
gets ``GridReportMissed``, exactly once.

Exactly once comes from the stream: the report of a grid and day is one stream, and the missed
event is appended only at version 0. Several replicas, a restart, or a sweep of deadlines that
passed while the service was down all end with one event per grid and day. Completed past days
are remembered so that a sweep does not recheck them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from wuyi_contracts.reporting import GridReportMissed
from wuyi_core.db.port import Row
from wuyi_core.errors import ConcurrencyConflict
from wuyi_core.eventstore import EventMetadata, NewEvent

from wuyi_reporting import metrics
from wuyi_reporting.application.days import expected_on
from wuyi_reporting.bootstrap import Reporting
from wuyi_reporting.domain.settings import REPORTING_LEVELS


def report_id(grid_id: str, day: date) -> str:
    return f"report:{grid_id}:{day}"


async def sweep_missed(rep: Reporting) -> int:
    """Record every missed report whose deadline has passed; returns how many were recorded."""
    now, recorded = rep.clock.now(), 0
    for tenant in await rep.reads.tenants():
        settings, _ = await rep.reads.settings(tenant)
        grids = await rep.reads.all_grids(tenant)
        today = settings.local_date(now)
        for offset in range(settings.backfill_days, -1, -1):
            day = today - timedelta(days=offset)
            for level in REPORTING_LEVELS:
                deadline = settings.deadline(level, day)
                if deadline is None or deadline > now or await _swept(rep, tenant, level, day):
                    continue
                level_grids = [g for g in grids if g["level"] == level]
                missing = await _missing(rep, tenant, expected_on(level_grids, day, settings), day)
                for grid in missing:
                    if await _record(rep, tenant, grid, day, deadline):
                        recorded += 1
                if day < today:  # today may still learn of grids the replica had not seen yet
                    await _mark_swept(rep, tenant, level, day)
    return recorded


async def _missing(rep: Reporting, tenant: str, grids: list[Row], day: date) -> list[Row]:
    rows = await rep.reads.reports(tenant, [g["id"] for g in grids], day, day)
    seen = {r["grid_id"] for r in rows}
    return [g for g in grids if g["id"] not in seen]


async def _record(
    rep: Reporting,
    tenant: str,
    grid: Row,
    day: date,
    deadline: datetime,
) -> bool:
    event = GridReportMissed(
        report_id=report_id(grid["id"], day),
        grid_id=grid["id"],
        entity_id=grid["entity_id"],
        level=grid["level"],
        date=day,
        deadline=deadline,
        parent_grid_id=grid["parent_grid_id"],
    )
    try:
        await rep.write(
            EventMetadata.system("missed-report-sweep"),
            tenant,
            event.report_id,
            0,
            [NewEvent(event)],
        )
        metrics.missed_reports.add(1, {"tenant": tenant, "level": str(grid["level"])})
        return True
    except ConcurrencyConflict:
        return False  # reported meanwhile, or another replica recorded it


async def _swept(rep: Reporting, tenant: str, level: int, day: date) -> bool:
    async with rep.store.db.read() as conn:
        return (
            await conn.fetchval(
                "SELECT 1 FROM missed_sweeps WHERE tenant = $1 AND level = $2 AND day = $3",
                tenant,
                level,
                str(day),
            )
            is not None
        )


async def _mark_swept(rep: Reporting, tenant: str, level: int, day: date) -> None:
    async with rep.store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO missed_sweeps (tenant, level, day) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING",
            tenant,
            level,
            str(day),
        )
