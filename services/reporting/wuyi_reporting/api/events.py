"""One recorded event of reporting, for the audit view's link across services."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_core.http import CurrentPrincipal

from wuyi_reporting.api.deps import ReportingDep
from wuyi_reporting.application.event_record import event_record

router = APIRouter(tags=["audit"])


@router.get("/events/{event_id}")
async def event(event_id: str, rep: ReportingDep, who: CurrentPrincipal) -> dict[str, Any]:
    """The event as reporting's log holds it (stream, position, actor, request, hash); its
    private part is never shown. Reviewers with its entity or grid in scope."""
    return await event_record(rep, who, event_id)
