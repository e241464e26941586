"""Settings, daily grid reports and roll-ups."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from wuyi_core.http import CorrelationId, CurrentPrincipal
from wuyi_core.limits import PlausibleDate

from wuyi_reporting.api.deps import ReportingDep
from wuyi_reporting.application import commands as c
from wuyi_reporting.application import reports, settings
from wuyi_reporting.application.access import readable_grid
from wuyi_reporting.application.missed import report_id

router = APIRouter(tags=["reports"])


@router.put("/settings")
async def change_settings(
    body: c.ChangeSettings, rep: ReportingDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Set the tenant's time zone and deadlines (county admin)."""
    return await settings.change_settings(rep, who, cid, body)


@router.get("/settings")
async def get_settings(rep: ReportingDep, who: CurrentPrincipal) -> dict[str, Any]:
    """The tenant's reporting settings (defaults until changed)."""
    return await settings.settings_view(rep, who.tenant)


@router.post("/grid-reports", status_code=201)
async def submit(
    body: c.SubmitGridReport, rep: ReportingDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Submit a grid's report of the day (日报告); a second one is a correction."""
    return await reports.submit_report(rep, who, cid, body)


@router.get("/grid-reports")
async def grid_history(
    grid_id: str,
    rep: ReportingDep,
    who: CurrentPrincipal,
    days: Annotated[int, Query(ge=1, le=92)] = 30,
) -> dict[str, Any]:
    """A grid's reports of the last ``days`` days, newest first, with today's date and
    deadline in the tenant's time zone (the grid worker's page; in scope)."""
    return await reports.grid_day_book(rep, who, grid_id, days)


@router.get("/grid-reports/rollup")
async def rollup(
    grid_id: str, date: PlausibleDate, rep: ReportingDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """What a level-2 grid's level-3 children have reported so far (汇总), in scope."""
    await readable_grid(rep.reads, who, grid_id)
    result = await reports.rollup_of(rep, who.tenant, grid_id, date)
    return {"grid_id": grid_id, "date": date.isoformat(), **result.model_dump(mode="json")}


@router.get("/grid-reports/{grid_id}/{date}")
async def get_report(
    grid_id: str, date: PlausibleDate, rep: ReportingDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """A grid's report of a day: received, on time, missed, corrections (in scope)."""
    await readable_grid(rep.reads, who, grid_id)
    return await reports.report_view(rep, who.tenant, report_id(grid_id, date))
