"""Reads behind the county's pages: review-chain presets, campaigns, objection texts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_core.http import CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application import county_reads

router = APIRouter(tags=["campaigns"])


@router.get("/presets")
async def list_presets(who: CurrentPrincipal) -> dict[str, Any]:
    """The review-chain presets (评审流程预设) a campaign may be launched with."""
    return {"presets": county_reads.presets()}


@router.get("/campaigns")
async def list_campaigns(scoring: ScoringDep, who: CurrentPrincipal) -> dict[str, Any]:
    """The county's campaigns (official documents), the latest first, with their batches."""
    return {"campaigns": await county_reads.campaigns(scoring, who.tenant)}


@router.get("/applications/{application_id}/objections")
async def list_objections(
    application_id: str, scoring: ScoringDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """The application's objections (异议) with their texts, pending first; county evaluators."""
    return await county_reads.objections(scoring, who, application_id)
