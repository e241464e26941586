"""Rubrics, campaigns, batches and the quota report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_contracts.rubric import RubricBody
from wuyi_core.auth import require_role
from wuyi_core.http import CorrelationId, CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application import campaigns, rubrics
from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import REVIEW_CHAIN

router = APIRouter(tags=["campaigns"])


@router.get("/rubrics")
async def list_rubrics(scoring: ScoringDep, who: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every rubric the county may use: the built-in seed rubrics, then its own versions."""
    return await rubrics.list_rubrics(scoring, who.tenant)


@router.post("/rubrics", status_code=201)
async def publish_rubric(
    body: RubricBody, scoring: ScoringDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Publish a rubric; a code used before gets its next version (versions are immutable)."""
    return await rubrics.publish_rubric(scoring, who, cid, body)


@router.post("/campaigns", status_code=201)
async def launch_campaign(
    body: c.LaunchCampaign, scoring: ScoringDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Launch a creation campaign (创建活动) with its rubric and rules."""
    return await campaigns.launch_campaign(scoring, who, cid, body)


@router.get("/campaigns/{campaign_id}")
async def get_campaign(
    campaign_id: str, scoring: ScoringDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """One campaign with its batches."""
    return await campaigns.campaign_view(scoring, who.tenant, campaign_id)


@router.post("/campaigns/{campaign_id}/batches", status_code=201)
async def open_batch(
    campaign_id: str,
    body: c.OpenBatch,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Open a batch (批次) of applications."""
    return await campaigns.open_batch(scoring, who, cid, campaign_id, body)


@router.get("/campaigns/{campaign_id}/batches/{batch_id}/quotas")
async def quota_report(
    campaign_id: str, batch_id: str, scoring: ScoringDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """Who has not met the batch's minimum applications (申报指标); for reviewers."""
    require_role(who, REVIEW_CHAIN)
    return await campaigns.quota_view(scoring, who.tenant, campaign_id, batch_id)
