"""Response schemas. Contacts appear only for readers who may maintain the entity."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from wuyi_core.auth import Principal

from wuyi_registry.application.access import may_see_contacts
from wuyi_registry.bootstrap import Registry


class ContactPublic(BaseModel):
    name: str
    phone: str


class LocationPublic(BaseModel):
    lon: float
    lat: float


class EntityPublic(BaseModel):
    id: str
    name: str
    kind: str
    parent_id: str | None
    code: str | None
    address: str | None
    closed: bool
    close_reason: str | None = None
    created_at: str
    updated_at: str
    version: int
    contact: ContactPublic | None = None
    location: LocationPublic | None = None


class GridPublic(BaseModel):
    id: str
    name: str
    level: int
    entity_id: str
    parent_grid_id: str | None
    code: str | None
    households: int | None
    closed: bool
    close_reason: str | None = None
    created_at: str
    updated_at: str
    version: int
    leader: ContactPublic | None = None


class EntityPage(BaseModel):
    items: list[EntityPublic]
    total: int


class GridPage(BaseModel):
    items: list[GridPublic]
    total: int


async def shown(
    reg: Registry, who: Principal, view: dict[str, Any], entity_key: str = "id"
) -> dict[str, Any]:
    """Drop personal data the reader may not see."""
    if not may_see_contacts(who, await reg.reads.lineage(who.tenant, view[entity_key])):
        return {**view, "contact": None, "leader": None}
    return view
