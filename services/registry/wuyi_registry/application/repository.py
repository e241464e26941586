"""Loading aggregates: the state of an entity or grid is the fold of its stream."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from wuyi_contracts.base import EventData
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
    entity: Entity = await _load(
        store, tenant, entity_id, entity_rules.evolve, ("主体", "entity"), field
    )
    return entity


async def load_grid(store: EventStore, tenant: str, grid_id: str, field: str | None = None) -> Grid:
    grid: Grid = await _load(store, tenant, grid_id, grid_rules.evolve, ("网格", "grid"), field)
    return grid


async def _load(
    store: EventStore,
    tenant: str,
    stream_id: str,
    evolve: Callable[[Any, EventData], Any],
    names: tuple[str, str],
    field: str | None,
) -> Any:
    state = None
    events = await store.read_stream(tenant, stream_id)
    for event in events:
        state = evolve(state, model_for(event.type).model_validate(event.data))
    if state is None:
        zh, en = names
        if field is None:
            raise NotFound(f"{zh}不存在：{stream_id}", f"{en} {stream_id} not found")
        raise InvalidInput(f"引用的{zh}不存在：{stream_id}", f"{field}: no {en} {stream_id}", field)
    return replace(state, version=len(events))
