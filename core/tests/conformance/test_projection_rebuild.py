"""One projection rebuild at a time, across processes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from wuyi_contracts.registry import EntityRenamed
from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent, StoredEvent
from wuyi_core.projection import Projection, Projector, RebuildInProgress, Tables

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")
STREAMS = ("e-1", "e-2", "e-3")


class Counts(Projection):
    """Events per stream: an event applied twice shows as a count too high."""

    name = "counts"
    ddl = {"counts": ["CREATE TABLE IF NOT EXISTS {t} (stream_id TEXT PRIMARY KEY, n BIGINT)"]}

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        await conn.execute(
            f"INSERT INTO {t['counts']} (stream_id, n) VALUES ($1, 1)"
            f" ON CONFLICT (stream_id) DO UPDATE SET n = {t['counts']}.n + 1",
            event.stream_id,
        )


async def append(store: EventStore, per_stream: int) -> None:
    for stream in STREAMS:
        version = len(await store.read_stream("t1", stream))
        events = [
            NewEvent(EntityRenamed(entity_id=stream, name=f"n{i}", previous_name=f"n{i - 1}"))
            for i in range(version + 1, version + per_stream + 1)
        ]
        await store.append("t1", stream, version, events, META)


async def counts(projector: Projector) -> dict[str, int]:
    async with projector.store.db.read() as conn:
        t = await projector.tables(conn)
        rows = await conn.fetch(f"SELECT stream_id, n FROM {t['counts']}")
    return {row["stream_id"]: int(row["n"]) for row in rows}


async def leases(projector: Projector) -> list[dict[str, str]]:
    async with projector.store.db.read() as conn:
        return await conn.fetch("SELECT * FROM projection_rebuilds")


async def table_exists(store: EventStore, table: str) -> bool:
    try:
        async with store.db.read() as conn:
            await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
    except Exception:  # no such table: each driver has its own error
        return False
    return True


@pytest.fixture
async def store(db) -> EventStore:
    store = EventStore(db)
    await store.migrate()
    await append(store, 10)
    return store


@pytest.fixture
async def projector(store) -> Projector:
    projector = Projector(store, Counts(), batch=4)
    await projector.migrate()
    await projector.catch_up()
    return projector


class PausedLog:
    """The log in batches, pausing after the first one until released."""

    def __init__(self, store: EventStore, batch: int = 4) -> None:
        self.store, self.batch = store, batch
        self.paused, self.release = asyncio.Event(), asyncio.Event()

    async def batches(self) -> AsyncIterator[list[StoredEvent]]:
        position = 0
        while events := await self.store.read_all(position, self.batch):
            yield events
            position = events[-1].position
            if not self.paused.is_set():
                self.paused.set()
                await self.release.wait()


async def test_a_second_rebuild_is_refused_while_one_runs_and_each_event_counts_once(
    store, projector
):
    log = PausedLog(store)
    first = asyncio.create_task(projector.rebuild(source=log.batches()))
    await asyncio.wait_for(log.paused.wait(), 10)
    other = Projector(store, Counts(), batch=4)  # another process, the same database
    with pytest.raises(RebuildInProgress) as refused:
        await other.rebuild()
    assert "counts" in refused.value.message_zh and "counts" in refused.value.message_en
    assert "正在重建" in refused.value.message_zh and "already being rebuilt" in str(refused.value)
    await append(store, 2)  # arrives meanwhile: the tail, applied under the lock
    log.release.set()
    assert await asyncio.wait_for(first, 30) == 36
    assert await counts(projector) == dict.fromkeys(STREAMS, 12)
    assert await leases(projector) == []
    assert await other.rebuild() == 36  # the lease went with the swap
    assert await counts(other) == dict.fromkeys(STREAMS, 12)


async def test_a_stale_lease_of_a_killed_rebuild_is_taken_over(store, projector):
    long_ago = (datetime.now(UTC) - timedelta(minutes=10)).isoformat(timespec="microseconds")
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO projection_rebuilds (name, owner, started_at, heartbeat_at)"
            " VALUES ($1, $2, $3, $3)",
            "counts",
            "killed-host:4242",
            long_ago,
        )
    assert await projector.rebuild() == 30
    assert await counts(projector) == dict.fromkeys(STREAMS, 10)
    assert await leases(projector) == []


async def test_a_rebuild_that_lost_its_lease_stops_and_leaves_the_projection_alone(
    store, projector
):
    log = PausedLog(store)
    first = asyncio.create_task(projector.rebuild(source=log.batches()))
    await asyncio.wait_for(log.paused.wait(), 10)
    async with store.db.transaction() as conn:  # taken over, as if its lease had gone stale
        await conn.execute("UPDATE projection_rebuilds SET owner = 'other-host:1'")
    log.release.set()
    with pytest.raises(RebuildInProgress) as lost:
        await asyncio.wait_for(first, 30)
    assert "other-host:1" in lost.value.message_en
    assert [lease["owner"] for lease in await leases(projector)] == ["other-host:1"]
    assert await counts(projector) == dict.fromkeys(STREAMS, 10)


async def test_a_failed_rebuild_releases_its_lease_and_drops_its_shadow(store, projector):
    async def broken() -> AsyncIterator[list[StoredEvent]]:
        yield await store.read_all(0, 4)
        raise OSError("topic went away")

    with pytest.raises(OSError):
        await projector.rebuild(source=broken())
    assert await leases(projector) == []
    assert not await table_exists(store, "counts_g2")  # the shadow of generation 1
    assert await projector.rebuild() == 30
    assert await counts(projector) == dict.fromkeys(STREAMS, 10)


class CountsWithTotals(Counts):
    """The same projection a release later: one more table in ``ddl``."""

    ddl = {
        **Counts.ddl,
        "totals": ["CREATE TABLE IF NOT EXISTS {t} (stream_id TEXT PRIMARY KEY, n BIGINT)"],
    }


async def test_a_table_added_to_a_projection_is_created_by_the_next_migrate(store, projector):
    """Tables made before cannot gain columns portably, so a projection grows by tables: an
    upgraded service's migrate creates them in the current generation, and keeps the rows."""
    grown = Projector(store, CountsWithTotals(), batch=4)
    await grown.migrate()
    async with store.db.read() as conn:
        t = await grown.tables(conn)
    assert await table_exists(store, t["totals"])
    assert await counts(grown) == dict.fromkeys(STREAMS, 10)
