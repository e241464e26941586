"""Daily grid reports (日报告): submission, correction, and the level-2 roll-up."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from wuyi_contracts.reporting import GridReportCorrected, GridReportSubmitted, ReportCounts, Rollup
from wuyi_core.auth import Principal, require
from wuyi_core.db.port import Row
from wuyi_core.errors import ConcurrencyConflict, InvalidInput, NotFound
from wuyi_core.eventstore import EventMetadata, NewEvent

from wuyi_reporting.application import commands as c
from wuyi_reporting.application.access import REPORTERS, known_grid, readable_grid
from wuyi_reporting.application.cases import record_reported_cases
from wuyi_reporting.application.days import expected_on
from wuyi_reporting.application.missed import report_id
from wuyi_reporting.bootstrap import Reporting
from wuyi_reporting.domain.counts import check_report, check_rollup_zero, sum_counts
from wuyi_reporting.domain.report_row import report_row

SUBMITTED = GridReportSubmitted.event_type()


async def submit_report(
    rep: Reporting, who: Principal, cid: str, cmd: c.SubmitGridReport
) -> dict[str, Any]:
    grid, lineage = await known_grid(rep.reads, who.tenant, cmd.grid_id)
    require(who, REPORTERS, lineage)
    if grid["level"] == 1:
        raise InvalidInput(
            "一级网格汇总下级报告，不单独提交日报告",
            "level-1 grids receive reports; they submit none",
            "grid_id",
        )
    settings, _ = await rep.reads.settings(who.tenant)
    now = rep.clock.now()
    settings.check_report_date(cmd.date, now)
    check_report(cmd.zero, cmd.counts)
    rollup = await rollup_of(rep, who.tenant, cmd.grid_id, cmd.date) if grid["level"] == 2 else None
    check_rollup_zero(cmd.zero, rollup)
    rid = report_id(cmd.grid_id, cmd.date)
    common = dict(
        report_id=rid,
        grid_id=cmd.grid_id,
        entity_id=grid["entity_id"],
        level=grid["level"],
        date=cmd.date,
        deadline=settings.deadline(grid["level"], cmd.date),
        zero=cmd.zero,
        counts=cmd.counts,
        submitted_at=now,
        rollup=rollup,
    )
    for _ in range(3):  # a concurrent first submission turns this one into a correction
        events = await rep.store.read_stream(who.tenant, rid)
        first = next((e for e in events if e.type == SUBMITTED), None)
        event = (
            GridReportSubmitted(**common, on_time=settings.on_time(grid["level"], cmd.date, now))
            if first is None
            else GridReportCorrected(**common, corrects_event_id=first.event_id)
        )
        try:
            [stored] = await rep.write(
                EventMetadata.of(who, cid), who.tenant, rid, len(events), [NewEvent(event)]
            )
            break
        except ConcurrencyConflict:
            continue
    else:
        raise ConcurrencyConflict(rid, None, -1)
    await record_reported_cases(rep, who, cid, grid, stored, cmd.counts, cmd.date)
    # The answer is folded from the report's own events: no projection on the request path
    # (eligibility and completeness follow the log: follow_reports, the next read).
    return _view(report_row([(e.type, e.data) for e in [*events, stored]]))


async def rollup_of(rep: Reporting, tenant: str, grid_id: str, day: date) -> Rollup:
    """What the level-3 children of a level-2 grid have reported so far today."""
    settings, _ = await rep.reads.settings(tenant)
    children = expected_on(await rep.reads.child_grids(tenant, grid_id), day, settings)
    rows = await rep.reads.reports(tenant, [g["id"] for g in children], day, day)
    received = {r["grid_id"]: r for r in rows if r["received"]}
    counts = [
        ReportCounts.model_validate_json(r["counts"]) for r in received.values() if r["counts"]
    ]
    return Rollup(
        expected=len(children),
        received=len(received),
        missing_grid_ids=[g["id"] for g in children if g["id"] not in received],
        totals=sum_counts(counts),
    )


async def report_view(rep: Reporting, tenant: str, rid: str) -> dict[str, Any]:
    row = await rep.reads.report(tenant, rid)
    if row is None:
        raise NotFound(f"报告不存在：{rid}", f"report {rid} not found")
    return _view(row)


async def grid_day_book(rep: Reporting, who: Principal, grid_id: str, days: int) -> dict[str, Any]:
    """A grid's page for its reporter: the grid, today in the tenant's zone with today's
    deadline, and the reports of the last ``days`` days, newest first (the history a grid
    worker sees; readers in scope, as for one report)."""
    grid = await readable_grid(rep.reads, who, grid_id)
    settings, _ = await rep.reads.settings(who.tenant)
    now = rep.clock.now()
    today = settings.local_date(now)
    deadline = settings.deadline(grid["level"], today)
    rows = await rep.reads.reports(who.tenant, [grid_id], today - timedelta(days=days - 1), today)
    return {
        "grid": {"id": grid["id"], "name": grid["name"], "level": grid["level"]},
        "today": today.isoformat(),
        "now": now.isoformat(),
        "deadline": deadline.isoformat() if deadline else None,
        "backfill_days": settings.backfill_days,
        "items": [_view(r) for r in sorted(rows, key=lambda r: r["day"], reverse=True)],
    }


def _view(row: Row) -> dict[str, Any]:
    return {
        "id": row["report_id"],
        "grid_id": row["grid_id"],
        "entity_id": row["entity_id"],
        "level": row["level"],
        "date": row["day"],
        "received": bool(row["received"]),
        "on_time": bool(row["on_time"]),
        "missed": bool(row["missed"]),
        "zero": None if row["zero"] is None else bool(row["zero"]),
        "counts": json.loads(row["counts"]) if row["counts"] else None,
        "rollup": json.loads(row["rollup"]) if row["rollup"] else None,
        "corrections": row["corrections"],
        "first_submitted_at": row["first_at"],
        "last_submitted_at": row["last_at"],
    }
