"""The bus's promises, written once and proven on the embedded bus and on real Kafka:
every event delivered, in order per aggregate, effects exactly once across restarts and
duplicates, failures retried then parked while the consumer goes on."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from wuyi_contracts.registry import EntityRenamed
from wuyi_core import telemetry
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent

from conftest import kafka_bootstrap

from .harness import BusHarness

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")


def renamed(entity: str, n: int, secret: str | None = None) -> NewEvent:
    data = EntityRenamed(entity_id=entity, name=f"{entity}-{n}", previous_name="")
    return NewEvent(data, private={"phone": secret} if secret else None)


@pytest.fixture(params=["embedded", "kafka"])
async def harness(request, tmp_path, topic_prefix):
    store = EventStore(await SQLiteDatabase.open(tmp_path / "source.db"))
    await store.migrate()
    consumer_db = await SQLiteDatabase.open(tmp_path / "consumer.db")
    await consumer_db.migrate(["CREATE TABLE effects (event_id TEXT, entity TEXT, name TEXT)"])
    bootstrap = kafka_bootstrap() if request.param == "kafka" else None
    harness = await BusHarness.create(request.param, store, consumer_db, bootstrap, topic_prefix)
    yield harness
    await harness.close()
    await consumer_db.close()
    await store.db.close()


async def record_effect(envelope, conn):
    await conn.execute(
        "INSERT INTO effects VALUES ($1, $2, $3)",
        envelope.id,
        envelope.subject,
        envelope.data["name"],
    )


async def effects(harness):
    async with harness.consumer_db.read() as conn:
        return await conn.fetch("SELECT event_id, entity, name FROM effects ORDER BY rowid")


async def count_at_least(harness, n):
    async def check():
        return len(await effects(harness)) >= n

    return check


async def append_many(store, entities=("a", "b", "c"), per=4):
    for n in range(1, per + 1):
        for entity in entities:
            await store.append(
                "t1", entity, n - 1, [renamed(entity, n, secret="13800000000")], META
            )


async def test_every_event_is_delivered_once_in_order_per_aggregate(harness):
    await append_many(harness.store)
    await harness.publish()
    runner = harness.runner("projector", record_effect)
    await runner.migrate()
    await harness.run_until(runner, condition=await count_at_least(harness, 12))
    rows = await effects(harness)
    assert len(rows) == 12 and len({r["event_id"] for r in rows}) == 12
    for entity in "abc":
        assert [r["name"] for r in rows if r["entity"] == entity] == [
            f"{entity}-{n}" for n in range(1, 5)
        ]


async def test_envelopes_carry_no_private_data(harness):
    seen = []

    async def keep(envelope, conn):
        seen.append(envelope)
        await record_effect(envelope, conn)

    await append_many(harness.store, entities=("a",), per=1)
    await harness.publish()
    runner = harness.runner("privacy", keep)
    await runner.migrate()
    await harness.run_until(runner, condition=await count_at_least(harness, 1))
    # The embedded bus stays inside the process; Kafka topics are public, so the actor leaves
    # as a pseudonym (pseudonyms.py).
    bus = harness.bus
    actor = bus.pseudonyms.of("t1", "tester") if isinstance(bus, KafkaBus) else "tester"
    assert seen[0].tenant == "t1" and seen[0].actor == actor
    assert "13800000000" not in seen[0].model_dump_json()


async def test_a_restarted_consumer_resumes_without_redoing_effects(harness):
    await append_many(harness.store, per=2)
    await harness.publish()
    first = harness.runner("resumer", record_effect)
    await first.migrate()
    await harness.run_until(first, condition=await count_at_least(harness, 6))
    await append_many_more(harness.store)
    await harness.publish()
    second = harness.runner("resumer", record_effect)
    await harness.run_until(second, condition=await count_at_least(harness, 9))
    rows = await effects(harness)
    assert len(rows) == 9 and len({r["event_id"] for r in rows}) == 9


async def test_a_stopped_consumer_ends_at_once_not_when_its_poll_runs_out(harness):
    """Stopping a service (or a test's stack) waits for no idle poll: a runner polling for a
    minute ends within seconds of ``stop`` and has applied what was there."""
    await append_many(harness.store, per=1)
    await harness.publish()
    runner = harness.runner("stopper", record_effect)
    await runner.migrate()
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop, poll=60))
    try:
        async with asyncio.timeout(30):
            while len(await effects(harness)) < 3:
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # now idle, in a poll of 60 s
    finally:
        stop.set()
    async with asyncio.timeout(10):
        await task
    assert len(await effects(harness)) == 3


async def append_many_more(store):
    for entity in "abc":
        await store.append("t1", entity, 2, [renamed(entity, 3)], META)


async def test_a_duplicate_delivery_has_its_effect_once(harness):
    await append_many(harness.store, entities=("a",), per=1)
    await harness.publish()
    runner = harness.runner("dedup", record_effect)
    await runner.migrate()
    await runner.subscription.start()
    batch = []
    while not batch:
        batch = await runner.subscription.next_batch(1.0)
    await runner.process_batch(batch)
    await runner.process_batch(batch)  # the bus redelivers after a crash before its commit
    await runner.subscription.stop()
    assert len(await effects(harness)) == 1


def counted(consumer: str, outcome: str) -> float:
    """The consumer's events counter as operations scrape it (Prometheus text)."""
    for line in telemetry.prometheus_text().decode().splitlines():
        if (
            line.startswith("wuyi_consumer_events_total{")
            and f'consumer="{consumer}"' in line
            and f'outcome="{outcome}"' in line
        ):
            return float(line.split()[-1])
    return 0.0


async def test_a_failing_event_is_retried_then_parked_and_the_consumer_goes_on(harness):
    attempts = []

    async def fail_on_a(envelope, conn):
        if envelope.subject == "a":
            attempts.append(envelope.id)
            raise ValueError("cannot handle a")
        await record_effect(envelope, conn)

    await append_many(harness.store, entities=("a", "b"), per=1)
    await harness.publish()
    name = f"parker-{uuid.uuid4().hex[:6]}"  # its own metric series in this process
    runner = harness.runner(name, fail_on_a, attempts=3, backoff=0.01)
    await runner.migrate()
    await harness.run_until(runner, condition=await count_at_least(harness, 1))
    async with harness.consumer_db.read() as conn:
        parked = await conn.fetch("SELECT event_id, error, attempts FROM dead_letters")
    assert len(attempts) == 3
    assert [(p["error"], p["attempts"]) for p in parked] == [("ValueError: cannot handle a", 3)]
    assert [r["entity"] for r in await effects(harness)] == ["b"]
    assert counted(runner.name, "parked") == 1 and counted(runner.name, "applied") == 1

    runner.handler = record_effect  # the cause is fixed; replay the parked event
    assert await runner.replay_dead_letters() == (1, 0)
    assert sorted(r["entity"] for r in await effects(harness)) == ["a", "b"]
