"""Loading aggregates: the state of an entity or grid is the fold of its stream."""

from __future__ import annotations

from dataclasses import replace

from wuyi_contracts.catalog import model_for
from wuyi_core.errors import InvalidInput, NotFound
from wuyi_core.eventstore import EventStore

from wuyi_registry.domain import entity as entity_rules
from wuyi_registry.domain import grid as grid_rules
from wuyi_registry.domain.entity import Entity
from wuyi_registry.domain.grid import Grid


async def load_entity(
    store: EventStore, tenant: str, entity_id: str, field: str | None = None
) -> Entity:
    """The entity, or NotFound (404) — or, when ``field`` names the body field that referred to
    it, InvalidInput (422) naming that field. A foreign tenant's entity is simply not found."""
    state: Entity | None = None
    events = await store.read_stream(tenant, entity_id)
    for event in events:
        state = entity_rules.evolve(state, model_for(event.type).model_validate(event.data))
    if state is None:
        raise _missing("主体", "entity", entity_id, field)
    return replace(state, version=len(events))


async def load_grid(store: EventStore, tenant: str, grid_id: str, field: str | None = None) -> Grid:
    state: Grid | None = None
    events = await store.read_stream(tenant, grid_id)
    for event in events:
        state = grid_rules.evolve(state, model_for(event.type).model_validate(event.data))
    if state is None:
        raise _missing("网格", "grid", grid_id, field)
    return replace(state, version=len(events))


def _missing(zh: str, en: str, key: str, field: str | None) -> Exception:
    if field is None:
        return NotFound(f"{zh}不存在：{key}", f"{en} {key} not found")
    return InvalidInput(f"引用的{zh}不存在：{key}", f"{field}: no {en} {key}", field)
