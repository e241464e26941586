"""Entity command handlers: load, authorize, decide (domain), append, return the new view."""

from __future__ import annotations

from typing import Any

from wuyi_core.auth import Principal
from wuyi_core.errors import ConcurrencyConflict, NotFound
from wuyi_core.eventstore.records import new_id

from wuyi_registry.application import commands as c
from wuyi_registry.application.access import authorize_root, authorize_write
from wuyi_registry.application.repository import load_entity
from wuyi_registry.bootstrap import Registry
from wuyi_registry.domain import entity as rules
from wuyi_registry.domain.entity import Contact, Entity


def _contact(value: c.ContactIn | None) -> Contact | None:
    return Contact(value.name, value.phone) if value else None


async def register_entity(
    reg: Registry, who: Principal, cid: str, cmd: c.RegisterEntity
) -> dict[str, Any]:
    return await entity_view(reg, who.tenant, await register_entity_id(reg, who, cid, cmd))


async def register_entity_id(reg: Registry, who: Principal, cid: str, cmd: c.RegisterEntity) -> str:
    """``register_entity`` without reading the new entity back (a roster import's rows)."""
    parent = None
    if cmd.parent_id is None:
        authorize_root(who)
    else:
        parent = await load_entity(reg.store, who.tenant, cmd.parent_id, field="parent_id")
        authorize_write(who, await reg.reads.lineage(who.tenant, parent.id))
    entity_id = new_id()
    where = (cmd.location.lon, cmd.location.lat) if cmd.location else None
    events = rules.register(
        entity_id, cmd.name, cmd.kind, parent, cmd.code, cmd.address, _contact(cmd.contact), where
    )
    draft = Entity(entity_id, cmd.name, cmd.kind, cmd.parent_id, cmd.code)
    claim = [(draft.natural_key(), "name")]
    if cmd.code:
        claim.append((f"entity-code:{cmd.code}", "code"))
    if cmd.kind == "county":
        claim.append(("county", "kind"))
    await reg.write(who, cid, who.tenant, entity_id, 0, events, claim=claim)
    return entity_id


async def rename_entity(
    reg: Registry,
    who: Principal,
    cid: str,
    entity_id: str,
    cmd: c.RenameEntity,
    expected: int | None = None,
) -> dict[str, Any]:
    entity = await _writable(reg, who, entity_id, expected)
    events = rules.rename(entity, cmd.name)
    keys = (
        {"claim": [(entity.natural_key(name=cmd.name), "name")], "release": [entity.natural_key()]}
        if events
        else {}
    )
    await reg.write(who, cid, who.tenant, entity.id, entity.version, events, **keys)
    return await entity_view(reg, who.tenant, entity_id)


async def move_entity(
    reg: Registry,
    who: Principal,
    cid: str,
    entity_id: str,
    cmd: c.MoveEntity,
    expected: int | None = None,
) -> dict[str, Any]:
    entity = await _writable(reg, who, entity_id, expected)
    parent = await load_entity(reg.store, who.tenant, cmd.parent_id, field="parent_id")
    authorize_write(who, await reg.reads.lineage(who.tenant, parent.id))
    events = rules.move(entity, parent, await reg.reads.descendants(who.tenant, entity.id))
    keys = (
        {
            "claim": [(entity.natural_key(parent_id=parent.id), "name")],
            "release": [entity.natural_key()],
        }
        if events
        else {}
    )
    await reg.write(who, cid, who.tenant, entity.id, entity.version, events, **keys)
    return await entity_view(reg, who.tenant, entity_id)


async def close_entity(
    reg: Registry,
    who: Principal,
    cid: str,
    entity_id: str,
    cmd: c.CloseEntity,
    expected: int | None = None,
) -> dict[str, Any]:
    entity = await _writable(reg, who, entity_id, expected)
    events = rules.close(entity, cmd.reason, await reg.reads.open_children(who.tenant, entity.id))
    release = [entity.natural_key()] + ([f"entity-code:{entity.code}"] if entity.code else [])
    await reg.write(who, cid, who.tenant, entity.id, entity.version, events, release=release)
    return await entity_view(reg, who.tenant, entity_id)


async def change_contact(
    reg: Registry,
    who: Principal,
    cid: str,
    entity_id: str,
    cmd: c.ChangeContact,
    expected: int | None = None,
) -> dict[str, Any]:
    entity = await _writable(reg, who, entity_id, expected)
    events = rules.change_contact(entity, Contact(cmd.contact.name, cmd.contact.phone))
    await reg.write(who, cid, who.tenant, entity.id, entity.version, events)
    return await entity_view(reg, who.tenant, entity_id)


async def _writable(reg: Registry, who: Principal, entity_id: str, expected: int | None) -> Entity:
    entity = await load_entity(reg.store, who.tenant, entity_id)
    authorize_write(who, await reg.reads.lineage(who.tenant, entity_id))
    if expected is not None and expected != entity.version:
        raise ConcurrencyConflict(entity.id, expected, entity.version)
    return entity


async def entity_view(reg: Registry, tenant: str, entity_id: str) -> dict[str, Any]:
    view = await reg.reads.entity(tenant, entity_id)
    if view is None:
        raise NotFound(f"主体不存在：{entity_id}", f"entity {entity_id} not found")
    return view
