"""One event the bus refuses does not stop a relay for ever nor make it republish its batch
(issue #8, defect 2): the events before it are published once, the relay stalls at it loudly
(log, metric, readiness), and raising the message limit lets it go on by itself."""

from __future__ import annotations

import asyncio

import pytest
from aiokafka import AIOKafkaConsumer
from wuyi_core import health, telemetry
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.topic_history import topic_partitions
from wuyi_core.errors import TooLarge
from wuyi_core.eventstore import EventMetadata, EventStore
from wuyi_core.relay import Relay

from conftest import kafka_bootstrap
from core.tests.faults.events import an_event

pytestmark = pytest.mark.kafka


async def published_ids(bus: KafkaBus) -> list[str]:
    """Every record on the registry topic, repeats included, by event id."""
    partitions = await topic_partitions(bus, "registry")
    consumer = AIOKafkaConsumer(bootstrap_servers=bus.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp, offset in (await consumer.beginning_offsets(partitions)).items():
            consumer.seek(tp, offset)  # not seek_to_beginning: see topic_history
        ids: list[str] = []

        async def unread() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in partitions])

        while await unread():
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                for message in messages:
                    ids.append(dict(message.headers)["ce_id"].decode())
        return ids
    finally:
        await consumer.stop()


def stalled_gauge() -> float:
    for line in telemetry.prometheus_text().decode().splitlines():
        if line.startswith("wuyi_relay_stalled") and 'service="registry"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def append(store: EventStore, name: str) -> str:
    event = an_event(name)
    await store.append("t1", f"entity:{event.event_id}", 0, [event], EventMetadata.system("t"))
    return event.event_id


async def test_an_unpublishable_event_stalls_the_relay_loudly_without_republishing(
    db, topic_prefix
):
    store = EventStore(db, max_bytes=4_000_000)  # as an old event or a lowered limit would be
    await store.migrate()
    small = KafkaBus(kafka_bootstrap(), ["registry"], prefix=topic_prefix, max_message_bytes=50_000)
    publisher = small.publisher()
    await publisher.start()
    relay = Relay(store, publisher, service="registry")
    await relay.migrate()
    before = [await append(store, f"村{i}") for i in range(3)]
    big = await append(store, "大" * 40_000)  # about 120 KB of UTF-8
    after = [await append(store, f"屯{i}") for i in range(2)]
    try:
        assert await relay.drain() == 3
        for _ in range(3):  # later rounds try the refused event alone
            assert await relay.drain() == 0
        assert relay.stalled is not None and relay.stalled.envelope.id == big
        assert await relay.position() == 3
        assert sorted(await published_ids(small)) == sorted(before)  # once each: no repeats
        assert "relay:registry" in health.problems()
        assert "position 4" in health.problems()["relay:registry"]
        assert stalled_gauge() == 1
    finally:
        await publisher.stop()

    # The documented way out: raise the limit (topic and producer) and start again.
    raised = KafkaBus(kafka_bootstrap(), ["registry"], prefix=topic_prefix)
    publisher = raised.publisher()
    await publisher.start()
    try:
        relay = Relay(store, publisher, service="registry")
        published = 0
        async with asyncio.timeout(20):  # a stalled relay retries; brokers apply configs late
            while published < 3:
                published += await relay.drain()
                await asyncio.sleep(0.2)
        assert sorted(await published_ids(raised)) == sorted([*before, big, *after])
        assert "relay:registry" not in health.problems()
        assert stalled_gauge() == 0
    finally:
        await publisher.stop()


async def test_the_event_store_refuses_an_event_the_bus_could_not_carry(db):
    store = EventStore(db)
    await store.migrate()
    with pytest.raises(TooLarge):
        await append(store, "大" * 400_000)  # 1.2 MB of UTF-8
    assert await store.head() == 0  # nothing half-written
    await append(store, "村")
    assert await store.head() == 1
