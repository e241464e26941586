"""The grid aggregate (网格): a reporting cell of level 1-3 bound to an entity."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from wuyi_contracts.base import EventData
from wuyi_contracts.registry import (
    GridClosed,
    GridLeaderChanged,
    GridMoved,
    GridRegistered,
    GridRenamed,
)
from wuyi_core.errors import Conflict, InvalidInput
from wuyi_core.eventstore import NewEvent

from wuyi_registry.domain.entity import Contact, Entity
from wuyi_registry.domain.hierarchy import check_grid_entity, check_grid_parent


@dataclass(frozen=True)
class Grid:
    id: str
    name: str
    level: int
    entity_id: str
    parent_grid_id: str | None
    code: str | None
    closed: bool = False
    version: int = 0

    def natural_key(self, name: str | None = None) -> str:
        return f"grid:{self.entity_id}:{self.parent_grid_id or '-'}:{name or self.name}"


def leader_private(leader: Contact | None) -> dict[str, Any] | None:
    return {"leader": {"name": leader.name, "phone": leader.phone}} if leader else None


def register(
    grid_id: str,
    name: str,
    level: int,
    entity: Entity,
    parent: Grid | None,
    entity_lineage: list[str],
    code: str | None,
    households: int | None,
    leader: Contact | None,
) -> list[NewEvent]:
    """``entity_lineage`` is the entity's id and its ancestors' ids: a grid's parent grid must
    belong to the same entity or to one above it."""
    if entity.closed:
        raise Conflict("该主体已撤销，不能新建网格", "the entity is closed", "entity_id")
    check_grid_entity(level, entity.kind)
    check_grid_parent(level, parent.level if parent else None)
    if parent is not None:
        _check_parent_grid(parent, entity_lineage)
    data = GridRegistered(
        grid_id=grid_id,
        name=name,
        level=level,  # type: ignore[arg-type]
        entity_id=entity.id,
        parent_grid_id=parent.id if parent else None,
        code=code,
        households=households,
    )
    return [NewEvent(data, private=leader_private(leader))]


def rename(grid: Grid, name: str) -> list[NewEvent]:
    _must_be_open(grid)
    if name == grid.name:
        return []
    return [NewEvent(GridRenamed(grid_id=grid.id, name=name, previous_name=grid.name))]


def move(grid: Grid, parent: Grid, entity_lineage: list[str]) -> list[NewEvent]:
    _must_be_open(grid)
    check_grid_parent(grid.level, parent.level)
    _check_parent_grid(parent, entity_lineage)
    if parent.id == grid.parent_grid_id:
        return []
    return [
        NewEvent(
            GridMoved(
                grid_id=grid.id,
                parent_grid_id=parent.id,
                previous_parent_grid_id=grid.parent_grid_id or "",
            )
        )
    ]


def close(grid: Grid, reason: str, open_children: int) -> list[NewEvent]:
    _must_be_open(grid)
    if open_children:
        raise Conflict(
            f"其下还有 {open_children} 个未撤销的下级网格",
            f"{open_children} open child grids remain",
        )
    return [NewEvent(GridClosed(grid_id=grid.id, reason=reason))]


def change_leader(grid: Grid, leader: Contact) -> list[NewEvent]:
    _must_be_open(grid)
    return [NewEvent(GridLeaderChanged(grid_id=grid.id), private=leader_private(leader))]


def _check_parent_grid(parent: Grid, entity_lineage: list[str]) -> None:
    if parent.closed:
        raise Conflict("上级网格已撤销", "the parent grid is closed", "parent_grid_id")
    if parent.entity_id not in entity_lineage:
        raise InvalidInput(
            "上级网格必须属于本主体或其上级主体",
            "the parent grid must belong to this entity or one above it",
            "parent_grid_id",
        )


def _must_be_open(grid: Grid) -> None:
    if grid.closed:
        raise Conflict("该网格已撤销，不能再修改", f"grid {grid.id} is closed")


def evolve(state: Grid | None, event: EventData) -> Grid | None:
    match event:
        case GridRegistered():
            return Grid(
                event.grid_id,
                event.name,
                event.level,
                event.entity_id,
                event.parent_grid_id,
                event.code,
            )
        case GridRenamed() if state:
            return replace(state, name=event.name)
        case GridMoved() if state:
            return replace(state, parent_grid_id=event.parent_grid_id)
        case GridClosed() if state:
            return replace(state, closed=True)
    return state
