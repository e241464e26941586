"""The township reviewer's heat map: each reporting grid of an entity's subtree × each day of a
period, as on time, late, missing or not expected; paged over grids (worst first), optionally
only the grids missing on one day; and completeness and timeliness by township for the county's
comparison charts (比学赶超)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from wuyi_core.auth import Principal, Role, require
from wuyi_core.errors import InvalidInput

from wuyi_reporting.application.access import READERS, known_entity
from wuyi_reporting.application.days import expected_on
from wuyi_reporting.bootstrap import Reporting
from wuyi_reporting.domain.completeness import Rates
from wuyi_reporting.domain.heatmap import NOT_RECEIVED, Cell, cell_of, worst_first

MAX_HEATMAP_DAYS = 31
COUNTY_READERS = frozenset({Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN})
DEFAULT_DAYS = 7


async def period(
    rep: Reporting, tenant: str, first: date | None, last: date | None, most: int
) -> tuple[date, date]:
    """``first``..``last``, by default the last week up to today in the tenant's zone."""
    settings, _ = await rep.reads.settings(tenant)
    today = settings.local_date(rep.clock.now())
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if last < first or (last - first).days >= most:
        raise InvalidInput(
            f"日期范围无效（最多 {most} 天，且结束不早于开始）",
            f"invalid date range (at most {most} days, to >= from)",
            "to",
        )
    return first, last


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def grid_days(
    rep: Reporting,
    who: Principal,
    entity_id: str,
    first: date | None,
    last: date | None,
    missing_on: date | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    first, last = await period(rep, who.tenant, first, last, MAX_HEATMAP_DAYS)
    if missing_on is not None and not first <= missing_on <= last:
        raise InvalidInput(
            "missing_on 须在所选日期范围内",
            "missing_on must lie within from..to",
            "missing_on",
        )
    _, lineage = await known_entity(rep.reads, who.tenant, entity_id)
    require(who, READERS, lineage)
    settings, _ = await rep.reads.settings(who.tenant)
    now = rep.clock.now()
    grids = await rep.reads.grids_of(who.tenant, await rep.reads.subtree(who.tenant, entity_id))
    rows = await rep.reads.reports(who.tenant, [g["id"] for g in grids], first, last)
    by_key = {(r["grid_id"], r["day"]): r for r in rows}
    days = _days(first, last)
    cells: dict[str, list[Cell]] = {g["id"]: [] for g in grids}
    summary = []
    for day in days:
        expected = {g["id"] for g in expected_on(grids, day, settings)}
        rates = Rates(0, 0, 0)
        for grid in grids:
            row = by_key.get((grid["id"], day.isoformat()))
            deadline = settings.deadline(int(grid["level"]), day)
            cell = cell_of(grid["id"] in expected, row, deadline is not None and now < deadline)
            cells[grid["id"]].append(cell)
            rates += Rates(
                int(cell != "none"), int(cell in ("on_time", "late")), int(cell == "on_time")
            )  # as GET /completeness counts: a pending report is expected, not received
        summary.append({"date": day.isoformat(), **_rates(rates)})
    chosen = grids
    if missing_on is not None:
        column = (missing_on - first).days
        chosen = [g for g in grids if cells[g["id"]][column] in NOT_RECEIVED]
    ordered = worst_first(chosen, cells)
    page = ordered[offset : offset + limit]
    names = await rep.reads.entity_names(who.tenant, sorted({g["entity_id"] for g in page}))
    return {
        "entity_id": entity_id,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "missing_on": missing_on.isoformat() if missing_on else None,
        "dates": [d.isoformat() for d in days],
        "days": summary,
        "total": len(ordered),
        "limit": limit,
        "offset": offset,
        "grids": [
            {
                "grid_id": g["id"],
                "name": g["name"],
                "level": g["level"],
                "entity_id": g["entity_id"],
                "entity_name": names.get(g["entity_id"]),
                "cells": cells[g["id"]],
                "missed": cells[g["id"]].count("missing"),
            }
            for g in page
        ],
    }


async def by_township(
    rep: Reporting, who: Principal, first: date | None, last: date | None
) -> dict[str, Any]:
    """Completeness and timeliness of each township of the county over the period (county-wide
    evaluators and admins: the token must cover the county)."""
    first, last = await period(rep, who.tenant, first, last, 366)
    county = await rep.reads.county(who.tenant)
    require(who, COUNTY_READERS, [county] if county else [])
    settings, _ = await rep.reads.settings(who.tenant)
    townships = []
    for township in await rep.reads.townships(who.tenant):
        grids = await rep.reads.grids_of(
            who.tenant, await rep.reads.subtree(who.tenant, township["id"])
        )
        rows = await rep.reads.reports(who.tenant, [g["id"] for g in grids], first, last)
        by_key = {(r["grid_id"], r["day"]): r for r in rows}
        total = Rates(0, 0, 0)
        for day in _days(first, last):
            expected = expected_on(grids, day, settings)
            got = [by_key.get((g["id"], day.isoformat())) for g in expected]
            total += Rates(
                len(got),
                sum(bool(r and r["received"]) for r in got),
                sum(bool(r and r["on_time"]) for r in got),
            )
        townships.append({"township_id": township["id"], "name": township["name"], **_rates(total)})
    return {"from": first.isoformat(), "to": last.isoformat(), "townships": townships}


def _rates(rates: Rates) -> dict[str, Any]:
    return {
        "expected": rates.expected,
        "received": rates.received,
        "on_time": rates.on_time,
        "completeness": rates.completeness,
        "timeliness": rates.timeliness,
    }
