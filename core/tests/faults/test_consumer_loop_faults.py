"""The errors that used to end a consumer loop silently (issue #8, defect 3), injected into a
real consumer on the embedded bus: a failed commit (as on a rebalance) restarts the loop under
its supervisor and nothing is lost or doubled; a failing lag query does not stop it; a parking
that fails keeps the event and reports the process not ready until the parking succeeds."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from wuyi_contracts.envelope import Envelope
from wuyi_core import health
from wuyi_core.bus.embedded import EmbeddedBus
from wuyi_core.bus.port import AbstractSubscription, Delivery
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import EventMetadata, EventStore
from wuyi_core.loops import named, running
from wuyi_core.supervision import Supervisor

from core.tests.faults.events import an_event
from core.tests.faults.test_supervision import restarts

FAST = Supervisor(backoff=0.01, max_backoff=0.05, unready_after=2, settled=5)


class Faulty(AbstractSubscription):
    """A real subscription whose commit fails ``commit_failures`` times and whose lag query
    always fails."""

    def __init__(self, inner: AbstractSubscription, commit_failures: int) -> None:
        self.inner = inner
        self.commit_failures = commit_failures

    async def start(self) -> None:
        await self.inner.start()

    async def next_batch(self, timeout: float) -> list[Delivery]:
        return await self.inner.next_batch(timeout)

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if self.commit_failures:
            self.commit_failures -= 1
            raise ConnectionResetError("commit failed: the group is rebalancing")
        await self.inner.commit(deliveries)

    async def stop(self) -> None:
        await self.inner.stop()

    async def lag(self) -> int:
        raise TimeoutError("lag query timed out")


async def effects_table(db) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS effects (event_id TEXT PRIMARY KEY)")


async def apply(envelope: Envelope, conn: AbstractConnection) -> None:
    await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", envelope.id)


async def append(store: EventStore, n: int) -> list[str]:
    ids = []
    for i in range(n):
        event = an_event(f"村{i}")
        await store.append("t1", f"e:{event.event_id}", 0, [event], EventMetadata.system("t"))
        ids.append(event.event_id)
    return ids


async def test_failed_commits_and_lag_queries_restart_the_loop_and_lose_nothing(db):
    store = EventStore(db)
    await store.migrate()
    await effects_table(db)
    subscription = Faulty(EmbeddedBus({"registry": store}).subscribe("c", ["registry"], db), 3)
    runner = ConsumerRunner("commit-faults", db, subscription, apply)
    await runner.migrate()
    before = restarts("commit-faults")
    ids = await append(store, 5)
    async with running([named("commit-faults", runner.run)], FAST):
        async with asyncio.timeout(20):
            while subscription.commit_failures:  # each new batch meets a failing commit
                ids += await append(store, 1)
                await asyncio.sleep(0.1)
        assert "loop:commit-faults" in health.problems()  # failed more than twice in a row
        ids += await append(store, 5)
        async with asyncio.timeout(20):
            while await count(db, "effects") < len(ids):
                await asyncio.sleep(0.02)
    assert restarts("commit-faults") - before == 3
    async with db.read() as conn:
        rows = await conn.fetch("SELECT event_id FROM effects")
    assert sorted(r["event_id"] for r in rows) == sorted(ids)


async def test_a_parking_that_fails_holds_the_event_and_reports_until_it_succeeds(db):
    async def broken(envelope: Envelope, conn: AbstractConnection) -> None:
        raise ValueError("the handler's table is gone")

    store = EventStore(db)
    await store.migrate()
    subscription = EmbeddedBus({"registry": store}).subscribe("p", ["registry"], db)
    runner = ConsumerRunner(
        "parking-faults", db, subscription, broken, attempts=2, backoff=0.01, outage_backoff=0.1
    )
    await runner.migrate()
    async with db.transaction() as conn:
        await conn.execute("ALTER TABLE dead_letters RENAME TO dead_letters_away")
    [event_id] = await append(store, 1)
    async with running([named("parking-faults", runner.run)], FAST):
        async with asyncio.timeout(20):
            while "consumer:parking-faults:parking" not in health.problems():
                await asyncio.sleep(0.02)
        async with db.transaction() as conn:
            await conn.execute("ALTER TABLE dead_letters_away RENAME TO dead_letters")
        async with asyncio.timeout(20):
            while await count(db, "dead_letters") < 1:
                await asyncio.sleep(0.02)
    assert "consumer:parking-faults:parking" not in health.problems()
    async with db.read() as conn:
        assert await conn.fetchval("SELECT event_id FROM dead_letters") == event_id


async def count(db, table: str) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as conn:
        return int(await conn.fetchval(f"SELECT COUNT(*) FROM {table}"))
