"""Completeness and timeliness of daily reports for an entity's grids (or one grid), per day
and over a date range, with the grids still missing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from wuyi_core.auth import Principal, require
from wuyi_core.errors import InvalidInput

from wuyi_reporting.application.access import READERS, known_entity, known_grid
from wuyi_reporting.application.days import expected_on
from wuyi_reporting.bootstrap import Reporting
from wuyi_reporting.domain.completeness import Rates

MAX_RANGE_DAYS = 366


async def completeness(
    rep: Reporting,
    who: Principal,
    entity_id: str | None,
    grid_id: str | None,
    first: date | None,
    last: date | None,
) -> dict[str, Any]:
    settings, _ = await rep.reads.settings(who.tenant)
    today = settings.local_date(rep.clock.now())
    first = first or today
    last = last or first
    if last < first or (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidInput(
            "日期范围无效（最多 366 天，且结束不早于开始）",
            "invalid date range (at most 366 days, to >= from)",
            "to",
        )
    if (entity_id is None) == (grid_id is None):
        raise InvalidInput(
            "请指定 entity_id 或 grid_id 之一",
            "give exactly one of entity_id or grid_id",
            "entity_id",
        )
    if grid_id is not None:
        grid, lineage = await known_grid(rep.reads, who.tenant, grid_id)
        require(who, READERS, lineage)
        grids = [grid]
    else:
        _, lineage = await known_entity(rep.reads, who.tenant, entity_id or "")
        require(who, READERS, lineage)
        grids = await rep.reads.grids_of(
            who.tenant, await rep.reads.subtree(who.tenant, entity_id or "")
        )
    rows = await rep.reads.reports(who.tenant, [g["id"] for g in grids], first, last)
    by_key = {(r["grid_id"], r["day"]): r for r in rows}
    days, total = [], Rates(0, 0, 0)
    day = first
    while day <= last:
        expected = expected_on(grids, day, settings)
        got = [by_key.get((g["id"], day.isoformat())) for g in expected]
        rates = Rates(
            len(expected),
            sum(bool(r and r["received"]) for r in got),
            sum(bool(r and r["on_time"]) for r in got),
        )
        missing = [
            {"grid_id": g["id"], "name": g["name"], "level": g["level"]}
            for g, r in zip(expected, got, strict=True)
            if not (r and r["received"])
        ]
        days.append({"date": day.isoformat(), **_rates(rates), "missing": missing})
        total += rates
        day += timedelta(days=1)
    return {
        "entity_id": entity_id,
        "grid_id": grid_id,
        "from": first.isoformat(),
        "to": last.isoformat(),
        **_rates(total),
        "days": days,
    }


def _rates(rates: Rates) -> dict[str, Any]:
    return {
        "expected": rates.expected,
        "received": rates.received,
        "on_time": rates.on_time,
        "completeness": rates.completeness,
        "timeliness": rates.timeliness,
    }
