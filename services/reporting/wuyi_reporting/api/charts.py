"""Read views behind the web application's charts: the heat map of grids × days and the
completeness of each township (比学赶超)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from wuyi_core.http import CurrentPrincipal
from wuyi_core.limits import Offset, PlausibleDate

from wuyi_reporting.api.deps import ReportingDep
from wuyi_reporting.application import heatmap

router = APIRouter(tags=["status"])


@router.get("/completeness/grids")
async def grid_days(
    entity_id: str,
    rep: ReportingDep,
    who: CurrentPrincipal,
    first: Annotated[PlausibleDate | None, Query(alias="from")] = None,
    last: Annotated[PlausibleDate | None, Query(alias="to")] = None,
    missing_on: PlausibleDate | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Each reporting grid under the entity × each day (at most 31; by default the last 7 up
    to today): ``on_time``, ``late``, ``pending`` (before today's deadline), ``missing`` or
    ``none`` (not expected), worst grids first and paged; with ``missing_on`` only the grids
    whose report of that day has not arrived (in scope)."""
    return await heatmap.grid_days(rep, who, entity_id, first, last, missing_on, limit, offset)


@router.get("/completeness/townships")
async def townships(
    rep: ReportingDep,
    who: CurrentPrincipal,
    first: Annotated[PlausibleDate | None, Query(alias="from")] = None,
    last: Annotated[PlausibleDate | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Completeness and timeliness of each township over the period (county-wide readers)."""
    return await heatmap.by_township(rep, who, first, last)
