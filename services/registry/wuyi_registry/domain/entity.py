"""The entity aggregate (创建主体): registered, renamed, moved, closed; with a private contact.

Decisions are pure functions of the current state and the command; they return the events to
append. The state is the fold of the stream's events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from wuyi_contracts.base import EventData
from wuyi_contracts.registry import (
    EntityClosed,
    EntityContactChanged,
    EntityMoved,
    EntityRegistered,
    EntityRenamed,
    GeoPoint,
)
from wuyi_core.errors import Conflict, InvalidInput
from wuyi_core.eventstore import NewEvent

from wuyi_registry.domain.hierarchy import check_parent


@dataclass(frozen=True)
class Contact:
    """Responsible person (负责人): personal data, never published."""

    name: str
    phone: str

    def as_private(self) -> dict[str, Any]:
        return {"contact": {"name": self.name, "phone": self.phone}}


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    kind: str
    parent_id: str | None
    code: str | None
    closed: bool = False
    version: int = 0

    def natural_key(self, name: str | None = None, parent_id: str | None = None) -> str:
        """Two open entities of one kind may not share a name under one parent."""
        return f"entity:{parent_id or self.parent_id or '-'}:{self.kind}:{name or self.name}"


def register(
    entity_id: str,
    name: str,
    kind: str,
    parent: Entity | None,
    code: str | None,
    address: str | None,
    contact: Contact | None,
    location: tuple[float, float] | None = None,
) -> list[NewEvent]:
    check_parent(kind, parent.kind if parent else None)
    if parent is not None and parent.closed:
        raise Conflict("上级已撤销，不能在其下登记", "the parent entity is closed", "parent_id")
    data = EntityRegistered(
        entity_id=entity_id,
        name=name,
        kind=kind,  # type: ignore[arg-type]
        parent_id=parent.id if parent else None,
        code=code,
        address=address,
        location=GeoPoint(lon=location[0], lat=location[1]) if location else None,
    )
    return [NewEvent(data, private=contact.as_private() if contact else None)]


def rename(entity: Entity, name: str) -> list[NewEvent]:
    _must_be_open(entity)
    if name == entity.name:
        return []
    return [NewEvent(EntityRenamed(entity_id=entity.id, name=name, previous_name=entity.name))]


def move(entity: Entity, parent: Entity, descendants_of_entity: set[str]) -> list[NewEvent]:
    _must_be_open(entity)
    check_parent(entity.kind, parent.kind)
    if parent.id == entity.id or parent.id in descendants_of_entity:
        raise InvalidInput(
            "不能移动到自身或其下级之下", "cannot move an entity under itself", "parent_id"
        )
    if parent.closed:
        raise Conflict("上级已撤销", "the new parent is closed", "parent_id")
    if parent.id == entity.parent_id:
        return []
    return [
        NewEvent(
            EntityMoved(
                entity_id=entity.id, parent_id=parent.id, previous_parent_id=entity.parent_id or ""
            )
        )
    ]


def close(entity: Entity, reason: str, open_children: int) -> list[NewEvent]:
    _must_be_open(entity)
    if open_children:
        raise Conflict(
            f"其下还有 {open_children} 个未撤销的下级或网格，请先处理",
            f"{open_children} open children or grids remain under it",
        )
    return [NewEvent(EntityClosed(entity_id=entity.id, reason=reason))]


def change_contact(entity: Entity, contact: Contact) -> list[NewEvent]:
    _must_be_open(entity)
    return [NewEvent(EntityContactChanged(entity_id=entity.id), private=contact.as_private())]


def _must_be_open(entity: Entity) -> None:
    if entity.closed:
        raise Conflict("该主体已撤销，不能再修改", f"entity {entity.id} is closed")


def evolve(state: Entity | None, event: EventData) -> Entity | None:
    match event:
        case EntityRegistered():
            return Entity(event.entity_id, event.name, event.kind, event.parent_id, event.code)
        case EntityRenamed() if state:
            return replace(state, name=event.name)
        case EntityMoved() if state:
            return replace(state, parent_id=event.parent_id)
        case EntityClosed() if state:
            return replace(state, closed=True)
    return state
