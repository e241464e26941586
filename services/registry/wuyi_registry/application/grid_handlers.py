"""Grid command handlers: authorized by the scope over the grid's entity."""

from __future__ import annotations

from typing import Any

from wuyi_core.auth import Principal
from wuyi_core.errors import ConcurrencyConflict, NotFound
from wuyi_core.eventstore.records import new_id

from wuyi_registry.application import commands as c
from wuyi_registry.application.access import authorize_write
from wuyi_registry.application.repository import load_entity, load_grid
from wuyi_registry.bootstrap import Registry
from wuyi_registry.domain import grid as rules
from wuyi_registry.domain.entity import Contact
from wuyi_registry.domain.grid import Grid


async def register_grid(
    reg: Registry, who: Principal, cid: str, cmd: c.RegisterGrid
) -> dict[str, Any]:
    return await grid_view(reg, who.tenant, await register_grid_id(reg, who, cid, cmd))


async def register_grid_id(reg: Registry, who: Principal, cid: str, cmd: c.RegisterGrid) -> str:
    """``register_grid`` without reading the new grid back (a roster import's rows)."""
    entity = await load_entity(reg.store, who.tenant, cmd.entity_id, field="entity_id")
    lineage = await reg.reads.lineage(who.tenant, entity.id)
    authorize_write(who, lineage)
    parent = None
    if cmd.parent_grid_id is not None:
        parent = await load_grid(reg.store, who.tenant, cmd.parent_grid_id, field="parent_grid_id")
    grid_id = new_id()
    leader = Contact(cmd.leader.name, cmd.leader.phone) if cmd.leader else None
    events = rules.register(
        grid_id, cmd.name, cmd.level, entity, parent, lineage, cmd.code, cmd.households, leader
    )
    draft = Grid(grid_id, cmd.name, cmd.level, entity.id, cmd.parent_grid_id, cmd.code)
    claim = [(draft.natural_key(), "name")]
    if cmd.code:
        claim.append((f"grid-code:{cmd.code}", "code"))
    await reg.write(who, cid, who.tenant, grid_id, 0, events, claim=claim)
    return grid_id


async def rename_grid(
    reg: Registry,
    who: Principal,
    cid: str,
    grid_id: str,
    cmd: c.RenameGrid,
    expected: int | None = None,
) -> dict[str, Any]:
    grid = await _writable(reg, who, grid_id, expected)
    events = rules.rename(grid, cmd.name)
    keys = (
        {"claim": [(grid.natural_key(name=cmd.name), "name")], "release": [grid.natural_key()]}
        if events
        else {}
    )
    await reg.write(who, cid, who.tenant, grid.id, grid.version, events, **keys)
    return await grid_view(reg, who.tenant, grid_id)


async def move_grid(
    reg: Registry,
    who: Principal,
    cid: str,
    grid_id: str,
    cmd: c.MoveGrid,
    expected: int | None = None,
) -> dict[str, Any]:
    grid = await _writable(reg, who, grid_id, expected)
    parent = await load_grid(reg.store, who.tenant, cmd.parent_grid_id, field="parent_grid_id")
    events = rules.move(grid, parent, await reg.reads.lineage(who.tenant, grid.entity_id))
    moved = Grid(grid.id, grid.name, grid.level, grid.entity_id, parent.id, grid.code)
    keys = (
        {"claim": [(moved.natural_key(), "name")], "release": [grid.natural_key()]}
        if events
        else {}
    )
    await reg.write(who, cid, who.tenant, grid.id, grid.version, events, **keys)
    return await grid_view(reg, who.tenant, grid_id)


async def close_grid(
    reg: Registry,
    who: Principal,
    cid: str,
    grid_id: str,
    cmd: c.CloseGrid,
    expected: int | None = None,
) -> dict[str, Any]:
    grid = await _writable(reg, who, grid_id, expected)
    events = rules.close(grid, cmd.reason, await reg.reads.open_child_grids(who.tenant, grid.id))
    release = [grid.natural_key()] + ([f"grid-code:{grid.code}"] if grid.code else [])
    await reg.write(who, cid, who.tenant, grid.id, grid.version, events, release=release)
    return await grid_view(reg, who.tenant, grid_id)


async def change_leader(
    reg: Registry,
    who: Principal,
    cid: str,
    grid_id: str,
    cmd: c.ChangeLeader,
    expected: int | None = None,
) -> dict[str, Any]:
    grid = await _writable(reg, who, grid_id, expected)
    events = rules.change_leader(grid, Contact(cmd.leader.name, cmd.leader.phone))
    await reg.write(who, cid, who.tenant, grid.id, grid.version, events)
    return await grid_view(reg, who.tenant, grid_id)


async def _writable(reg: Registry, who: Principal, grid_id: str, expected: int | None) -> Grid:
    grid = await load_grid(reg.store, who.tenant, grid_id)
    authorize_write(who, await reg.reads.lineage(who.tenant, grid.entity_id))
    if expected is not None and expected != grid.version:
        raise ConcurrencyConflict(grid.id, expected, grid.version)
    return grid


async def grid_view(reg: Registry, tenant: str, grid_id: str) -> dict[str, Any]:
    view = await reg.reads.grid(tenant, grid_id)
    if view is None:
        raise NotFound(f"网格不存在：{grid_id}", f"grid {grid_id} not found")
    return view
