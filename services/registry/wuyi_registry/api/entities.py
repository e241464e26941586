"""Entity routes (创建主体): register, read, list, rename, move, close, change contact."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from wuyi_core.http import CorrelationId, CurrentPrincipal, IfMatch
from wuyi_core.limits import Offset

from wuyi_registry.api.deps import RegistryDep
from wuyi_registry.api.schemas import EntityPage, EntityPublic, shown
from wuyi_registry.application import commands as c
from wuyi_registry.application import entity_handlers as h
from wuyi_registry.domain.hierarchy import KINDS

router = APIRouter(prefix="/entities", tags=["entities"])


@router.post("", status_code=201, response_model=EntityPublic)
async def register_entity(
    body: c.RegisterEntity, reg: RegistryDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Register an entity under its parent (登记创建主体)."""
    return await shown(reg, who, await h.register_entity(reg, who, cid, body))


@router.get("", response_model=EntityPage)
async def list_entities(
    reg: RegistryDep,
    who: CurrentPrincipal,
    parent_id: str | None = None,
    kind: Annotated[str | None, Query(pattern=f"^({'|'.join(KINDS)})$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List entities, by parent and kind."""
    items, total = await reg.reads.entities(who.tenant, parent_id, kind, limit, offset)
    return {"items": [await shown(reg, who, item) for item in items], "total": total}


@router.get("/{entity_id}", response_model=EntityPublic)
async def get_entity(entity_id: str, reg: RegistryDep, who: CurrentPrincipal) -> dict[str, Any]:
    """One entity."""
    return await shown(reg, who, await h.entity_view(reg, who.tenant, entity_id))


@router.post("/{entity_id}/rename", response_model=EntityPublic)
async def rename_entity(
    entity_id: str,
    body: c.RenameEntity,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Rename an entity (更名)."""
    return await shown(reg, who, await h.rename_entity(reg, who, cid, entity_id, body, expected))


@router.post("/{entity_id}/move", response_model=EntityPublic)
async def move_entity(
    entity_id: str,
    body: c.MoveEntity,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Move an entity under another parent (区划调整)."""
    return await shown(reg, who, await h.move_entity(reg, who, cid, entity_id, body, expected))


@router.post("/{entity_id}/close", response_model=EntityPublic)
async def close_entity(
    entity_id: str,
    body: c.CloseEntity,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Close an entity (撤销); its history stays."""
    return await shown(reg, who, await h.close_entity(reg, who, cid, entity_id, body, expected))


@router.put("/{entity_id}/contact", response_model=EntityPublic)
async def change_contact(
    entity_id: str,
    body: c.ChangeContact,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Set the responsible contact (负责人), kept private."""
    return await shown(reg, who, await h.change_contact(reg, who, cid, entity_id, body, expected))
