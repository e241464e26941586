"""Grid routes (网格): register, read, list, rename, move, close, change leader."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from wuyi_core.http import CorrelationId, CurrentPrincipal, IfMatch
from wuyi_core.limits import Offset

from wuyi_registry.api.deps import RegistryDep
from wuyi_registry.api.schemas import GridPage, GridPublic, shown
from wuyi_registry.application import commands as c
from wuyi_registry.application import grid_handlers as h

router = APIRouter(prefix="/grids", tags=["grids"])


@router.post("", status_code=201, response_model=GridPublic)
async def register_grid(
    body: c.RegisterGrid, reg: RegistryDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Register a grid of level 1-3 (登记网格)."""
    return await shown(reg, who, await h.register_grid(reg, who, cid, body), "entity_id")


@router.get("", response_model=GridPage)
async def list_grids(
    reg: RegistryDep,
    who: CurrentPrincipal,
    entity_id: str | None = None,
    parent_grid_id: str | None = None,
    level: Annotated[int | None, Query(ge=1, le=3)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List grids, by entity, parent grid and level."""
    items, total = await reg.reads.grids(
        who.tenant, entity_id, level, parent_grid_id, limit, offset
    )
    return {"items": [await shown(reg, who, g, "entity_id") for g in items], "total": total}


@router.get("/{grid_id}", response_model=GridPublic)
async def get_grid(grid_id: str, reg: RegistryDep, who: CurrentPrincipal) -> dict[str, Any]:
    """One grid."""
    return await shown(reg, who, await h.grid_view(reg, who.tenant, grid_id), "entity_id")


@router.post("/{grid_id}/rename", response_model=GridPublic)
async def rename_grid(
    grid_id: str,
    body: c.RenameGrid,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Rename a grid."""
    return await shown(
        reg, who, await h.rename_grid(reg, who, cid, grid_id, body, expected), "entity_id"
    )


@router.post("/{grid_id}/move", response_model=GridPublic)
async def move_grid(
    grid_id: str,
    body: c.MoveGrid,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Attach a grid to another parent grid of the level above."""
    return await shown(
        reg, who, await h.move_grid(reg, who, cid, grid_id, body, expected), "entity_id"
    )


@router.post("/{grid_id}/close", response_model=GridPublic)
async def close_grid(
    grid_id: str,
    body: c.CloseGrid,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Close a grid (撤销网格)."""
    return await shown(
        reg, who, await h.close_grid(reg, who, cid, grid_id, body, expected), "entity_id"
    )


@router.put("/{grid_id}/leader", response_model=GridPublic)
async def change_leader(
    grid_id: str,
    body: c.ChangeLeader,
    reg: RegistryDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    expected: IfMatch,
) -> dict[str, Any]:
    """Set the grid leader (网格长), kept private."""
    return await shown(
        reg, who, await h.change_leader(reg, who, cid, grid_id, body, expected), "entity_id"
    )
