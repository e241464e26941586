"""Eligibility and completeness views."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from wuyi_core.http import CurrentPrincipal
from wuyi_core.limits import PlausibleDate

from wuyi_reporting.api.deps import ReportingDep
from wuyi_reporting.application import completeness as views
from wuyi_reporting.application.access import readable_entity
from wuyi_reporting.application.eligibility import explain

router = APIRouter(tags=["status"])


@router.get("/eligibility/{entity_id}")
async def eligibility(
    entity_id: str,
    rep: ReportingDep,
    who: CurrentPrincipal,
    cycle_days: Annotated[int | None, Query(ge=1, le=90)] = None,
) -> dict[str, Any]:
    """Whether the entity meets the hard preconditions, rule by rule (in scope)."""
    await readable_entity(rep.reads, who, entity_id)
    result, cycle, as_of = await explain(rep, who.tenant, entity_id, cycle_days)
    return {
        "entity_id": entity_id,
        "as_of": as_of.isoformat(),
        "cycle_days": cycle,
        "eligible": result.eligible,
        "clean_days": result.clean_days,
        "reasons": [asdict(rule) for rule in result.rules],
    }


@router.get("/completeness")
async def completeness(
    rep: ReportingDep,
    who: CurrentPrincipal,
    entity_id: str | None = None,
    grid_id: str | None = None,
    date: PlausibleDate | None = None,
    first: Annotated[PlausibleDate | None, Query(alias="from")] = None,
    last: Annotated[PlausibleDate | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Expected, received and on-time reports (DHIS2 rates), with the missing grids."""
    return await views.completeness(rep, who, entity_id, grid_id, first or date, last or date)
