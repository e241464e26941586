"""The registry replica is correct in any order, on SQLite and PostgreSQL alike: a change that
arrives before its registration is parked and applied on replay, and an older change arriving
after a newer one of the same field does not overwrite it."""

from __future__ import annotations

import pytest
from wuyi_contracts.base import EventData
from wuyi_contracts.envelope import Envelope
from wuyi_contracts.registry import (
    EntityClosed,
    EntityMoved,
    EntityRegistered,
    EntityRenamed,
    GridClosed,
    GridMoved,
    GridRegistered,
    GridRenamed,
)
from wuyi_core import registry_replica
from wuyi_core.bus.port import Delivery
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")
ENTITY = EntityRegistered(entity_id="e-1", name="幸福社区", kind="community", parent_id="town-1")
GRID = GridRegistered(grid_id="g-1", name="一网格", level=3, entity_id="e-1", parent_grid_id="g-0")


def entity_renamed(n: int) -> EventData:
    return EntityRenamed(entity_id="e-1", name=f"社区{n}", previous_name="幸福社区")


def entity_moved(n: int) -> EventData:
    return EntityMoved(entity_id="e-1", parent_id=f"town-{n}", previous_parent_id="town-1")


def grid_renamed(n: int) -> EventData:
    return GridRenamed(grid_id="g-1", name=f"网格{n}", previous_name="一网格")


def grid_moved(n: int) -> EventData:
    return GridMoved(grid_id="g-1", parent_grid_id=f"g-{n}", previous_parent_grid_id="g-0")


# (registration, change, table, column): the change's field as the replica shows it
CHANGES = {
    "entity renamed": (ENTITY, entity_renamed, "registry_entities", "name"),
    "entity moved": (ENTITY, entity_moved, "registry_entities", "parent_id"),
    "entity closed": (
        ENTITY,
        lambda n: EntityClosed(entity_id="e-1", reason="合并"),
        "registry_entities",
        "closed_at",
    ),
    "grid renamed": (GRID, grid_renamed, "registry_grids", "name"),
    "grid moved": (GRID, grid_moved, "registry_grids", "parent_grid_id"),
    "grid closed": (
        GRID,
        lambda n: GridClosed(grid_id="g-1", reason="撤销"),
        "registry_grids",
        "closed_at",
    ),
}


@pytest.fixture
async def store(db) -> EventStore:
    store = EventStore(db)
    await store.migrate()
    await db.migrate(registry_replica.DDL)
    return store


@pytest.fixture
async def replica(db, store) -> ConsumerRunner:
    runner = ConsumerRunner(
        "registry-replica", db, None, registry_replica.apply_registry_event, attempts=2, backoff=0
    )
    await runner.migrate()
    return runner


async def recorded(store: EventStore, stream: str, *events: EventData) -> list[Envelope]:
    """Append ``events`` to ``stream``; their envelopes, with stream versions, as published."""
    head = len(await store.read_stream("t1", stream))
    stored = await store.append("t1", stream, head, [NewEvent(e) for e in events], META)
    return [s.envelope() for s in stored]


async def field(store: EventStore, table: str, column: str, key: str) -> object:
    async with store.db.read() as conn:
        return await conn.fetchval(f"SELECT {column} FROM {table} WHERE id = $1", key)


@pytest.mark.parametrize("kind", CHANGES)
async def test_a_change_before_its_registration_is_parked_then_applied_on_replay(
    store, replica, kind
):
    registration, change, table, column = CHANGES[kind]
    key = "e-1" if table == "registry_entities" else "g-1"
    registered, changed = await recorded(store, key, registration, change(2))
    await replica.process(Delivery(changed))
    async with store.db.read() as conn:
        assert await conn.fetchval("SELECT COUNT(*) FROM dead_letters") == 1
    await replica.process(Delivery(registered))
    assert await replica.replay_dead_letters() == (1, 0)
    expected = changed.time.isoformat() if column == "closed_at" else changed.data[column]
    assert await field(store, table, column, key) == expected


@pytest.mark.parametrize("kind", ["entity renamed", "entity moved", "grid renamed", "grid moved"])
async def test_an_older_change_arriving_after_a_newer_one_leaves_the_newer(store, replica, kind):
    registration, change, table, column = CHANGES[kind]
    key = "e-1" if table == "registry_entities" else "g-1"
    registered, older, newer = await recorded(store, key, registration, change(3), change(4))
    assert (older.streamversion or 0) < (newer.streamversion or 0)
    for envelope in (registered, newer, older):
        await replica.process(Delivery(envelope))
    assert await field(store, table, column, key) == newer.data[column]


async def test_an_older_rename_arriving_after_a_close_still_renames_the_closed_entity(
    store, replica
):
    """Versions are kept per field: a rename and a close do not overtake each other."""
    registered, renamed, closed = await recorded(
        store, "e-1", ENTITY, entity_renamed(2), EntityClosed(entity_id="e-1", reason="合并")
    )
    for envelope in (registered, closed, renamed):
        await replica.process(Delivery(envelope))
    assert await field(store, "registry_entities", "name", "e-1") == "社区2"
    assert await field(store, "registry_entities", "closed_at", "e-1") == closed.time.isoformat()


async def test_a_replayed_old_rename_does_not_overwrite_a_newer_name(store, replica):
    """Rename v3 parked (before the registration), rename v4 applied, then v3 replayed."""
    registered, older, newer = await recorded(
        store, "e-1", ENTITY, entity_renamed(3), entity_renamed(4)
    )
    for envelope in (older, registered, newer):
        await replica.process(Delivery(envelope))
    assert await replica.replay_dead_letters() == (1, 0)
    assert await field(store, "registry_entities", "name", "e-1") == "社区4"
