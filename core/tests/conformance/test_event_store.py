"""The event store's promises, proven on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio

import pytest
from wuyi_contracts.registry import EntityRenamed
from wuyi_core.audit import verify_chains
from wuyi_core.errors import ConcurrencyConflict, KeyTaken
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")


def renamed(n: int, entity: str = "e-1") -> NewEvent:
    return NewEvent(
        EntityRenamed(entity_id=entity, name=f"name {n}", previous_name=f"name {n - 1}")
    )


@pytest.fixture
async def store(db) -> EventStore:
    store = EventStore(db)
    await store.migrate()
    return store


async def test_appended_events_read_back_in_stream_order(store):
    await store.append("t1", "e-1", 0, [renamed(1), renamed(2)], META)
    await store.append("t1", "e-1", 2, [renamed(3)], META)
    events = await store.read_stream("t1", "e-1")
    assert [e.stream_version for e in events] == [1, 2, 3]
    assert [e.data["name"] for e in events] == ["name 1", "name 2", "name 3"]
    assert events[0].metadata == META


async def test_stale_expected_version_is_a_conflict_and_writes_nothing(store):
    await store.append("t1", "e-1", 0, [renamed(1)], META)
    with pytest.raises(ConcurrencyConflict) as info:
        await store.append("t1", "e-1", 0, [renamed(2)], META)
    assert info.value.actual == 1
    assert len(await store.read_stream("t1", "e-1")) == 1


async def test_concurrent_appends_at_one_version_exactly_one_wins(store):
    results = await asyncio.gather(
        *(store.append("t1", "e-1", 0, [renamed(i)], META) for i in range(5)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, ConcurrencyConflict) for r in results if isinstance(r, Exception))


async def test_a_stream_of_another_tenant_is_invisible(store):
    await store.append("t1", "e-1", 0, [renamed(1)], META)
    assert await store.read_stream("t2", "e-1") == []
    with pytest.raises(ConcurrencyConflict):
        await store.append("t2", "e-1", None, [renamed(2)], META)


async def test_read_all_is_in_dense_position_order_across_streams(store):
    await store.append("t1", "a", 0, [renamed(1, "a")], META)
    await store.append("t2", "b", 0, [renamed(1, "b"), renamed(2, "b")], META)
    events = await store.read_all(after=0)
    assert [e.position for e in events] == [1, 2, 3]
    assert [e.position for e in await store.read_all(after=1, limit=1)] == [2]


async def test_each_event_links_to_its_predecessors_hash(store):
    await store.append("t1", "e-1", 0, [renamed(1), renamed(2)], META)
    first, second = await store.read_stream("t1", "e-1")
    assert second.prev_hash == first.hash
    assert all(e.content_hash(store.keyring) == e.hash for e in (first, second))


async def test_the_database_refuses_update_and_delete_of_stored_events(store):
    await store.append("t1", "e-1", 0, [renamed(1)], META)
    for statement in ("UPDATE events SET data = '{}'", "DELETE FROM events"):
        with pytest.raises(Exception, match="append-only"):
            async with store.db.transaction() as conn:
                await conn.execute(statement)
    assert len(await store.read_stream("t1", "e-1")) == 1


async def test_a_unique_key_has_one_holder_until_released(store):
    await store.append("t1", "a", 0, [renamed(1, "a")], META, claim=[("code:1", "code")])
    with pytest.raises(KeyTaken) as info:
        await store.append("t1", "b", 0, [renamed(1, "b")], META, claim=[("code:1", "code")])
    assert info.value.field == "code"
    assert await store.read_stream("t1", "b") == []  # nothing half-written
    await store.append("t1", "a", 1, [renamed(2, "a")], META, release=["code:1"])
    await store.append("t1", "b", 0, [renamed(1, "b")], META, claim=[("code:1", "code")])
    assert await store.key_holder("t1", "code:1") == "b"


async def test_keys_are_per_tenant(store):
    await store.append("t1", "a", 0, [renamed(1, "a")], META, claim=[("code:1", "code")])
    await store.append("t2", "b", 0, [renamed(1, "b")], META, claim=[("code:1", "code")])
    assert await store.key_holder("t2", "code:1") == "b"


async def test_private_data_is_stored_but_not_in_the_public_envelope(store):
    event = NewEvent(renamed(1).data, private={"phone": "13800000000"})
    [stored] = await store.append("t1", "e-1", 0, [event], META)
    assert (await store.read_stream("t1", "e-1"))[0].private == {"phone": "13800000000"}
    assert "13800000000" not in stored.envelope().model_dump_json()


async def test_a_store_from_before_commit_ordering_migrates_in_place_keeping_positions(store):
    """Issue #12: existing databases migrate in place: the column is added (0 for the events
    already there, which sort first), the sequence starts after the highest position."""
    for n in range(3):
        await store.append("t1", "a", n, [renamed(n, "a")], META)
    async with store.db.transaction() as conn:  # the table as an older version left it
        await conn.execute("DROP INDEX events_by_commit")
        await conn.execute("ALTER TABLE events DROP COLUMN transaction_id")
        if store.db.dialect == "postgres":
            await conn.execute("DROP SEQUENCE events_position_seq")
    await store.migrate()
    await store.append("t1", "b", 0, [renamed(1, "b")], META)
    await store.append("t1", "a", 3, [renamed(3, "a")], META)
    events = await store.read_all(0)
    assert [(e.stream_id, e.position) for e in events] == [
        ("a", 1),
        ("a", 2),
        ("a", 3),
        ("b", 4),
        ("a", 5),
    ]
    assert (await verify_chains(store)).ok
