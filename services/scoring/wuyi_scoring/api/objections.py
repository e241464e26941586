"""The county's ruling on many objections at once (a flood of 异议)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_core.http import CorrelationId, CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application import commands as c
from wuyi_scoring.application.objections import rule_objections

router = APIRouter(tags=["applications"])


@router.post("/applications/{application_id}/objections/rulings")
async def rule_many(
    application_id: str,
    body: c.RuleObjections,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Rule on many objections at once: the ids given, or every pending one; upheld rejects
    the application."""
    return await rule_objections(scoring, who, cid, application_id, body)
