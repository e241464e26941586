"""Read views behind the web application's charts and the public page's campaign choice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_core.http import CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application import progress

router = APIRouter(tags=["charts"])


@router.get("/campaigns/{campaign_id}/progress")
async def campaign_progress(
    campaign_id: str, scoring: ScoringDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """Applications by status per day since launch, and applications and titles awarded per
    township (counts only; county evaluators and admins for the whole county)."""
    return await progress.campaign_progress(scoring, who, campaign_id)


@router.get("/public-campaigns")
async def public_campaigns(scoring: ScoringDep) -> dict[str, Any]:
    """Every campaign of the deployment with its county (public: the page of honor lists
    offers them, so nobody has to know a tenant id)."""
    return await progress.public_campaigns(scoring)
