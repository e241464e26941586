"""Registry events (登记服务事件): the entity tree and the grids.

Contacts and grid leaders are personal data: they never appear here. The registry keeps them in
the private part of its own stored events, which never leaves the service.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from wuyi_contracts.base import EventData

EntityKind = Literal[
    "county", "township", "village", "community", "compound", "unit", "enterprise", "school", "park"
]


class GeoPoint(BaseModel):
    """A point in decimal degrees (longitude, latitude), e.g. read off a county map."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    lon: float
    lat: float


class _EntityEvent(EventData):
    service: ClassVar[str] = "registry"
    aggregate: ClassVar[str] = "entity"
    entity_id: str


class EntityRegistered(_EntityEvent):
    """A creation subject (创建主体) entered the jurisdiction tree."""

    event: ClassVar[str] = "registered"
    name: str
    kind: EntityKind
    parent_id: str | None
    code: str | None = None
    address: str | None = None
    location: GeoPoint | None = None  # for the 插旗分布图; optional


class EntityRenamed(_EntityEvent):
    event: ClassVar[str] = "renamed"
    name: str
    previous_name: str


class EntityMoved(_EntityEvent):
    """The entity now belongs under another parent (区划调整)."""

    event: ClassVar[str] = "moved"
    parent_id: str
    previous_parent_id: str


class EntityClosed(_EntityEvent):
    """The entity no longer exists (撤并); its history stays."""

    event: ClassVar[str] = "closed"
    reason: str


class EntityContactChanged(_EntityEvent):
    """The responsible contact changed; who it is stays private to the registry."""

    event: ClassVar[str] = "contact_changed"


class _GridEvent(EventData):
    service: ClassVar[str] = "registry"
    aggregate: ClassVar[str] = "grid"
    grid_id: str


class GridRegistered(_GridEvent):
    """A reporting cell (网格) of level 1 (township), 2 (village) or 3 (group/building)."""

    event: ClassVar[str] = "registered"
    name: str
    level: Literal[1, 2, 3]
    entity_id: str
    parent_grid_id: str | None
    code: str | None = None
    households: int | None = Field(default=None, ge=0, le=1_000_000)


class GridRenamed(_GridEvent):
    event: ClassVar[str] = "renamed"
    name: str
    previous_name: str


class GridMoved(_GridEvent):
    event: ClassVar[str] = "moved"
    parent_grid_id: str
    previous_parent_grid_id: str


class GridClosed(_GridEvent):
    event: ClassVar[str] = "closed"
    reason: str


class GridLeaderChanged(_GridEvent):
    """The grid leader (网格长) changed; who it is stays private to the registry."""

    event: ClassVar[str] = "leader_changed"


class TokenRevoked(EventData):
    """A token (by its ``jti``) may no longer be used, until it would have expired anyway.

    No personal data: the token id and when the revocation may be forgotten. Every service keeps
    the revocations of its replica and refuses the token (401)."""

    service: ClassVar[str] = "registry"
    aggregate: ClassVar[str] = "token"
    event: ClassVar[str] = "revoked"
    jti: str
    expires_at: datetime


EVENTS: tuple[type[EventData], ...] = (
    EntityRegistered,
    EntityRenamed,
    EntityMoved,
    EntityClosed,
    EntityContactChanged,
    GridRegistered,
    GridRenamed,
    GridMoved,
    GridClosed,
    GridLeaderChanged,
    TokenRevoked,
)
