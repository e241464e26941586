"""Per-entity routes: manual delisting and the audit timeline."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_core.http import CorrelationId, CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application import commands as c
from wuyi_scoring.application.audit import audit_timeline
from wuyi_scoring.application.management import delist_entity

router = APIRouter(tags=["entities"])


@router.post("/entities/{entity_id}/delisting")
async def delist(
    entity_id: str,
    body: c.Delist,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Delist (摘牌) the entity's titles by county decision, with reason and note."""
    return {"delisted": await delist_entity(scoring, who, cid, entity_id, body)}


@router.get("/entities/{entity_id}/audit")
async def audit(entity_id: str, scoring: ScoringDep, who: CurrentPrincipal) -> dict[str, Any]:
    """The ordered chain of events behind the entity's titles, with their causes."""
    return await audit_timeline(scoring, who, entity_id)
