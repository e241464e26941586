"""The township's quota status (申报指标) across batches: the township reviewer's page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_core.http import CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application.quota_status import quota_status

router = APIRouter(tags=["campaigns"])


@router.get("/quota-status")
async def township_quota_status(
    scoring: ScoringDep, who: CurrentPrincipal, township_id: str | None = None
) -> dict[str, Any]:
    """One township's quota per batch: required, applied (submitted), pending (opened, not
    submitted), missing; ``township_id`` defaults to the caller's scope."""
    return await quota_status(scoring, who, township_id)
