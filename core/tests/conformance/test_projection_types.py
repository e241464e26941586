"""A projection that reads a few event types (``Projection.types``), on SQLite and PostgreSQL:
the others are never applied, and a reader waits only for the ones it reads."""

from __future__ import annotations

from wuyi_contracts.registry import EntityRegistered, EntityRenamed
from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent, StoredEvent
from wuyi_core.projection import Projection, Projector, Tables

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")
REGISTERED = EntityRegistered.event_type()


class Registrations(Projection):
    """Every event it is given, by type: an event of another type applied shows up."""

    name = "registrations"
    types = frozenset({REGISTERED})
    ddl = {"seen": ["CREATE TABLE IF NOT EXISTS {t} (event_id TEXT PRIMARY KEY, type TEXT)"]}

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        await conn.execute(
            f"INSERT INTO {t['seen']} (event_id, type) VALUES ($1, $2)", event.event_id, event.type
        )


async def register(store: EventStore, entity: str) -> None:
    event = EntityRegistered(entity_id=entity, name="村", kind="village", parent_id=None)
    await store.append("t1", entity, 0, [NewEvent(event)], META)


async def rename(store: EventStore, entity: str, times: int) -> None:
    version = len(await store.read_stream("t1", entity))
    for n in range(times):
        renamed = EntityRenamed(entity_id=entity, name=f"n{n}", previous_name="")
        await store.append("t1", entity, version + n, [NewEvent(renamed)], META)


async def seen(projector: Projector) -> list[str]:
    async with projector.store.db.read() as conn:
        t = await projector.tables(conn)
        return [r["type"] for r in await conn.fetch(f"SELECT type FROM {t['seen']}")]


async def checkpoint(projector: Projector) -> int:
    async with projector.store.db.read() as conn:
        return int(
            await conn.fetchval("SELECT position FROM projections WHERE name = $1", "registrations")
        )


async def test_any_after_finds_an_event_of_the_types_asked_and_nothing_else(db):
    store = EventStore(db)
    await store.migrate()
    await register(store, "v1")
    first = await store.head()
    await rename(store, "v1", 3)
    last = await store.head()
    async with db.read() as conn:
        assert await store.any_after(conn, 0, {REGISTERED})
        assert not await store.any_after(conn, first, {REGISTERED})
        assert await store.any_after(conn, first, None)  # any type
        assert not await store.any_after(conn, first, set())
        assert not await store.any_after(conn, last, None)


async def test_a_reader_waits_only_for_the_types_its_projection_reads(db):
    """A settings read is not held up by the reports appended since the projection's checkpoint:
    ``catch_up_if_behind`` catches up only when an event of its types came."""
    store = EventStore(db)
    await store.migrate()
    projector = Projector(store, Registrations())
    await projector.migrate()
    await register(store, "v1")
    assert await projector.catch_up_if_behind() == 1
    at = await checkpoint(projector)
    await rename(store, "v1", 4)
    assert await projector.catch_up_if_behind() == 0  # nothing it reads came
    assert await checkpoint(projector) == at
    await register(store, "v2")
    assert await projector.catch_up_if_behind() == 5  # the renames pass by, not applied
    assert await seen(projector) == [REGISTERED, REGISTERED]
    assert await checkpoint(projector) == await store.head()
