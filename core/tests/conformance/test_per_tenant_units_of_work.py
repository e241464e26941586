"""Units of work serialized per tenant (scoring, the registry): a store that serializes tenants,
a projection with a mark per tenant, on SQLite and PostgreSQL alike.

A unit of work takes its tenant's append lock, brings the tenant current inside its transaction
and decides on it; a global follower runs meanwhile, and a rebuild may swap a new generation in.
Nothing may be applied twice or missed, and a unit of work must always see every committed
event of its tenant (else its expected version, read from the projection, would conflict)."""

from __future__ import annotations

import asyncio
import random

from wuyi_contracts.registry import EntityRenamed
from wuyi_core.db.port import AbstractConnection, AbstractDatabase
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent, StoredEvent
from wuyi_core.eventstore.store import read_log
from wuyi_core.projection import Projection, Projector, Tables

from conftest import drop_schema, open_postgres

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")
TENANTS = ("t1", "t2", "t3", "t4")
STREAMS = ("s1", "s2", "s3")


class Ledger(Projection):
    """Every event applied, by position, and each stream's head: an event applied twice, or a
    stream's events applied out of order, raises."""

    name = "ledger"
    ddl = {
        "applied": [
            "CREATE TABLE IF NOT EXISTS {t} (position BIGINT PRIMARY KEY, tenant TEXT NOT NULL)"
        ],
        "heads": ["CREATE TABLE IF NOT EXISTS {t} (stream_id TEXT PRIMARY KEY, version BIGINT)"],
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        head = await stream_head(conn, t, event.stream_id)
        if event.stream_version != head + 1:
            raise AssertionError(f"{event.stream_id} v{event.stream_version} after v{head}")
        await conn.execute(
            f"INSERT INTO {t['applied']} (position, tenant) VALUES ($1, $2)",
            event.position,
            event.tenant,
        )
        await conn.execute(
            f"INSERT INTO {t['heads']} (stream_id, version) VALUES ($1, $2)"
            f" ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
            event.stream_id,
            event.stream_version,
        )


async def stream_head(conn: AbstractConnection, t: Tables, stream_id: str) -> int:
    version = await conn.fetchval(
        f"SELECT version FROM {t['heads']} WHERE stream_id = $1", stream_id
    )
    return int(version or 0)


def renamed(stream: str, version: int) -> NewEvent:
    return NewEvent(EntityRenamed(entity_id=stream, name=f"n{version}", previous_name="-"))


async def open_unit(
    store: EventStore, projector: Projector, conn: AbstractConnection, tenant: str, stream: str
) -> list[StoredEvent]:
    """A unit of work's body, as scoring's: lock the tenant, catch it up, decide on the
    projection (the stream's next version), append, catch up again."""
    await store.lock_tenant(conn, tenant)
    t = await projector.catch_up_tenant_in(conn, tenant)
    version = await stream_head(conn, t, f"{tenant}:{stream}")
    stored = await store.append_in(
        conn, tenant, f"{tenant}:{stream}", version, [renamed(stream, version + 1)], META
    )
    t = await projector.catch_up_tenant_in(conn, tenant)
    assert await stream_head(conn, t, f"{tenant}:{stream}") == version + 1  # reads its own write
    return stored


class RolledBack(Exception):
    pass


async def worker(store: EventStore, projector: Projector, seed: int, units: int) -> int:
    rng = random.Random(seed)
    committed = 0
    for _ in range(units):
        tenant, stream = rng.choice(TENANTS), rng.choice(STREAMS)
        try:
            async with store.db.transaction() as conn:
                await open_unit(store, projector, conn, tenant, stream)
                await asyncio.sleep(rng.random() * 0.003)  # commits overtake each other
                if rng.random() < 0.1:  # burns its positions, and its marks roll back
                    raise RolledBack
            committed += 1
        except RolledBack:
            pass
        store.notify()
    return committed


async def follower(projector: Projector, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await projector.catch_up()
        await asyncio.sleep(0.001)


async def content(projector: Projector) -> dict[str, list[tuple[object, ...]]]:
    async with projector.store.db.read() as conn:
        t = await projector.tables(conn)
        return {
            table: sorted(tuple(row.values()) for row in await conn.fetch(f"SELECT * FROM {name}"))
            for table, name in t.items()
        }


async def marks(projector: Projector) -> dict[str, int]:
    async with projector.store.db.read() as conn:
        rows = await conn.fetch(
            "SELECT m.tenant, m.position FROM projection_marks m JOIN projections p"
            " ON p.name = m.name AND p.generation = m.generation WHERE m.name = 'ledger'"
        )
    return {row["tenant"]: int(row["position"]) for row in rows}


async def whole_log(store: EventStore) -> list[StoredEvent]:
    async with store.db.read() as conn:
        return await read_log(conn, 0, 100_000)


async def serialized(db: AbstractDatabase) -> tuple[EventStore, Projector]:
    store = EventStore(db, serialize_tenants=True)
    await store.migrate()
    projector = Projector(store, Ledger(), batch=7, per_tenant=True)
    await projector.migrate()
    return store, projector


async def test_units_of_work_of_many_tenants_with_a_follower_and_a_rebuild_apply_each_event_once(
    db,
) -> None:
    store, projector = await serialized(db)
    stop = asyncio.Event()
    following = asyncio.create_task(follower(projector, stop))
    workers = [asyncio.create_task(worker(store, projector, seed, 25)) for seed in range(12)]
    await asyncio.sleep(0.05)
    rebuilt = await Projector(store, Ledger(), batch=7, per_tenant=True).rebuild()
    committed = sum(await asyncio.gather(*workers))  # a stale read would have conflicted
    stop.set()
    await following
    await projector.catch_up()
    log = await whole_log(store)
    assert len(log) == committed > 200 and rebuilt > 0
    assert (await content(projector))["applied"] == sorted((e.position, e.tenant) for e in log)
    last = {e.tenant: e.position for e in log}
    assert await marks(projector) == last
    before = await content(projector)
    assert await projector.rebuild() == len(log)
    assert await content(projector) == before
    assert await marks(projector) == last


async def test_a_tenants_unit_of_work_does_not_wait_for_another_tenants_but_for_its_own() -> None:
    """The behaviour per-tenant serialization brings (PostgreSQL: SQLite has one writer)."""
    db = await open_postgres()
    held, release = asyncio.Event(), asyncio.Event()
    try:
        store, projector = await serialized(db)

        async def hold_t1() -> None:
            async with store.db.transaction() as conn:
                await open_unit(store, projector, conn, "t1", "s1")
                held.set()
                await release.wait()

        async def unit(tenant: str) -> int:
            async with store.db.transaction() as conn:
                stored = await open_unit(store, projector, conn, tenant, "s1")
            return stored[-1].stream_version

        holding = asyncio.create_task(hold_t1())
        await asyncio.wait_for(held.wait(), 10)
        assert await asyncio.wait_for(unit("t2"), 5) == 1  # commits while t1's is open
        await projector.catch_up()  # the follower does not wait for t1 either
        same_tenant = asyncio.create_task(unit("t1"))
        await asyncio.sleep(0.5)
        assert not same_tenant.done()  # waits for t1's open unit of work
        release.set()
        await holding
        assert await asyncio.wait_for(same_tenant, 5) == 2  # and then sees its event
    finally:
        release.set()  # a failed assertion must not leave t1's transaction open
        await asyncio.sleep(0.1)
        await drop_schema(db)
        await db.close()


async def test_a_serialized_store_and_projection_reopened_per_tenant_keep_their_state(db) -> None:
    """Written as before (positions max + 1, one checkpoint, no marks), reopened per tenant:
    the marks start at each tenant's last event, and nothing is applied twice."""
    old = EventStore(db)
    await old.migrate()
    old.ordering = "position"  # the serialized mode as it was: max + 1, followed by position
    for n in range(12):
        tenant = TENANTS[n % 3]
        version = n // 3
        await old.append(tenant, f"{tenant}:s1", version, [renamed("s1", version + 1)], META)
    before = Projector(old, Ledger(), batch=5)
    await before.migrate()
    await before.catch_up()
    state = await content(before)

    store, projector = await serialized(db)
    log = await whole_log(store)
    assert await marks(projector) == {e.tenant: e.position for e in log}
    assert await projector.catch_up() == 0
    async with store.db.transaction() as conn:  # raises if t1's events were applied again
        await open_unit(store, projector, conn, "t1", "s1")
    await projector.catch_up()
    after = await content(projector)
    assert len(after["applied"]) == len(state["applied"]) + 1
    assert set(state["applied"]) < set(after["applied"])
