"""Issue #12: appends take no global lock, "while keeping the property that a follower reading by
position never skips an event committed later. [...] Prove the property under many concurrent
writers on PostgreSQL, with a test that compares what a follower saw against the final log."

32 writers over two stores (two API replicas, each with its own pool) on one schema, three
tenants, some streams shared so that writers conflict; each writer keeps its transaction open a
moment after its append, so transactions that drew later positions commit before earlier ones.
A follower reads by the store's follow API (``read_all`` from its last position) all along.
PostgreSQL only: SQLite has one writer, so its positions are in commit order by construction.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict

from wuyi_contracts.registry import EntityRenamed
from wuyi_core.errors import ConcurrencyConflict
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent
from wuyi_core.eventstore.records import StoredEvent
from wuyi_core.eventstore.store import read_stream

from conftest import drop_schema, open_postgres

WRITERS = 32
APPENDS_PER_WRITER = 12
TENANTS = ("t1", "t2", "t3")
PATIENCE = 10.0  # another session's open transaction holds every follower back meanwhile
META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")


def renamed(entity: str, n: int) -> NewEvent:
    return NewEvent(EntityRenamed(entity_id=entity, name=f"{entity}-{n}", previous_name=""))


async def write(store: EventStore, writer: int, rng: random.Random) -> tuple[int, int]:
    """Appends to a private stream, to a stream shared with the tenant's other writers (with
    the version it read: some lose, 409) or with ``ANY_VERSION``; returns (appended, refused)."""
    tenant = TENANTS[writer % len(TENANTS)]
    appended = refused = 0
    for n in range(APPENDS_PER_WRITER):
        shared = rng.random() < 0.4
        stream = f"{tenant}-hot-{rng.randrange(2)}" if shared else f"{tenant}-w{writer}"
        try:
            async with store.db.transaction() as conn:
                if shared and rng.random() < 0.5:
                    version = None  # ANY_VERSION: retried inside the store
                else:
                    version = len(await read_stream(conn, tenant, stream))
                events = [renamed(stream, n) for _ in range(rng.choice((1, 1, 2)))]
                await store.append_in(conn, tenant, stream, version, events, META)
                # Hold the transaction open: a later position may commit first meanwhile.
                await asyncio.sleep(rng.random() * 0.004)
            appended += len(events)
        except ConcurrencyConflict:
            refused += 1
    return appended, refused


async def follow(store: EventStore, stop: asyncio.Event, total: list[int]) -> list[StoredEvent]:
    """Reads all along; once the writers stopped, until it has as many events as they appended
    (and one read more), or ``PATIENCE`` seconds: a skipped event never arrives."""
    seen: list[StoredEvent] = []
    position, deadline = 0, None
    while True:
        events = await store.read_all(position, 50)
        if events:
            seen.extend(events)
            position = events[-1].position
            continue
        if stop.is_set():
            deadline = deadline or time.monotonic() + PATIENCE
            if len(seen) >= total[0] or time.monotonic() > deadline:
                return seen + await store.read_all(position, 50)
        await asyncio.sleep(0.001)


async def test_a_follower_never_skips_an_event_that_commits_later() -> None:
    first = await open_postgres()
    second = await open_postgres(first.schema)
    try:
        stores = [EventStore(first), EventStore(second)]
        await stores[0].migrate()
        stop, total = asyncio.Event(), [0]
        follower = asyncio.create_task(follow(stores[0], stop, total))
        results = await asyncio.gather(
            *(write(stores[w % 2], w, random.Random(w)) for w in range(WRITERS))
        )
        total[0] = sum(a for a, _ in results)
        stop.set()
        seen = await follower
        final = await stores[1].read_log(0, 100_000)
    finally:
        await drop_schema(first)
        await first.close()
        await second.close()

    appended = sum(a for a, _ in results)
    assert len(final) == appended and sum(r for _, r in results) > 0  # conflicts happened
    seen_ids = [e.event_id for e in seen]
    assert len(seen_ids) == len(set(seen_ids)), "the follower saw an event twice"
    missed = {e.event_id for e in final} - set(seen_ids)
    assert not missed, f"the follower skipped {len(missed)} of {len(final)} events"
    versions: dict[str, list[int]] = defaultdict(list)
    for event in seen:
        versions[event.stream_id].append(event.stream_version)
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values()), "stream order"
    pairs = zip(seen, seen[1:], strict=False)
    out_of_position_order = sum(a.position > b.position for a, b in pairs)
    assert out_of_position_order > 0, "no commit overtook another: the test proved nothing"


async def test_a_long_transaction_of_another_schema_holds_no_follower_back() -> None:
    """The horizon is the store's own (issue #12: "appends must not serialize [...] across
    tenants at the least"): an open transaction of another service's schema, however long, does
    not hold this store's followers or its appends' read-your-writes wait; one of its own
    schema does, until it ends (store.py, ``_HORIZON``)."""
    ours, theirs = await open_postgres(), await open_postgres()
    try:
        store = EventStore(ours)
        await store.migrate()
        async with theirs.transaction() as conn:  # another service, mid-write, left open
            await conn.execute("CREATE TABLE busy (n INT)")
            await conn.execute("INSERT INTO busy VALUES (1)")
            started = time.monotonic()
            stored = await store.append("t1", "e1", 0, [renamed("e1", 1)], META)
            assert time.monotonic() - started < 1.0  # settle did not wait for it
            assert [e.event_id for e in await store.read_all(0)] == [stored[0].event_id]

        async with ours.transaction() as conn:  # a writer of our own schema, left open
            await conn.execute("CREATE TABLE busy (n INT)")
            await conn.execute("INSERT INTO busy VALUES (1)")
            async with ours.transaction() as other:  # append_in: no settle inside
                later = await store.append_in(other, "t1", "e2", 0, [renamed("e2", 1)], META)
            assert not await store.settle(later[0].transaction_id, timeout=0.2)
            assert [e.stream_id for e in await store.read_all(0)] == ["e1"]
        assert [e.stream_id for e in await store.read_all(0)] == ["e1", "e2"]
    finally:
        for db in (ours, theirs):
            await drop_schema(db)
            await db.close()


async def test_an_append_once_settled_is_seen_by_the_next_follow_under_other_schemas_churn() -> (
    None
):
    """Read your writes: once ``append`` returns, the next follow reads its event, while other
    schemas commit short write transactions all along. A horizon computed from the lock table
    read after the statement's snapshot let a transaction that ended in between hold the next
    follow back below an event already settled (a report answered 404 right after its append);
    the lock table is now read first (``_OTHERS``). The race is narrow: this caught the old
    order in about one run of three, the reporting API suite more often."""
    ours, theirs = await open_postgres(), await open_postgres()
    stop = asyncio.Event()

    async def churn() -> None:
        while not stop.is_set():
            async with theirs.transaction() as conn:
                await conn.execute("INSERT INTO scratch VALUES (1)")

    try:
        store = EventStore(ours)
        await store.migrate()
        async with theirs.transaction() as conn:
            await conn.execute("CREATE TABLE scratch (n INT)")
        churners = [asyncio.create_task(churn()) for _ in range(9)]
        unseen, position = [], 0
        for n in range(800):
            [event] = await store.append("t1", f"s{n}", 0, [renamed(f"s{n}", n)], META)
            seen = await store.read_all(position, 10)
            if event.event_id in {e.event_id for e in seen}:
                position = seen[-1].position
            else:
                unseen.append(event.position)
        stop.set()
        await asyncio.gather(*churners)
    finally:
        stop.set()
        for db in (ours, theirs):
            await drop_schema(db)
            await db.close()
    assert not unseen, f"{len(unseen)} settled appends were not read by the next follow"
