"""The relay publishes every appended event exactly once and in position order, even while
many writers append concurrently (the sequence-gap trap), on both stores, to a real Kafka."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer
from wuyi_contracts.envelope import Envelope
from wuyi_contracts.registry import EntityRegistered, EntityRenamed
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.topic_history import topic_history
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent
from wuyi_core.relay import Relay
from wuyi_core.tracking import set_checkpoint

from conftest import kafka_bootstrap

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")
WRITERS, EVENTS_EACH = 8, 25


async def writer(store: EventStore, n: int) -> None:
    for version in range(EVENTS_EACH):
        event = NewEvent(EntityRenamed(entity_id=f"w{n}", name=f"{version}", previous_name=""))
        await store.append("t1", f"w{n}", version, [event], META)


async def read_topic(bus: KafkaBus, expected: int) -> list[Envelope]:
    consumer = AIOKafkaConsumer(
        bus.topic("registry"),
        bootstrap_servers=bus.bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    received: list[Envelope] = []
    try:
        async with asyncio.timeout(60):
            while len(received) < expected:
                batch = await consumer.getmany(timeout_ms=500)
                for messages in batch.values():
                    received += [Envelope.from_kafka(list(m.headers), m.value) for m in messages]
            extra = await consumer.getmany(timeout_ms=1000)  # nothing more may arrive
            received += [
                Envelope.from_kafka(list(m.headers), m.value) for ms in extra.values() for m in ms
            ]
    finally:
        await consumer.stop()
    return received


async def test_concurrent_writers_are_relayed_once_each_in_log_order(db, topic_prefix):
    """Every event once, in the order followers read the log (commit order), numbered by
    ``sequence`` 1, 2, 3, ... without a gap although positions may have gaps and commit out of
    order on PostgreSQL; ``position`` names each event's place in the store."""
    store = EventStore(db)
    await store.migrate()
    bus = KafkaBus(kafka_bootstrap(), ["registry"], prefix=topic_prefix, partitions=1)
    publisher = bus.publisher()
    await publisher.start()
    relay = Relay(store, publisher, batch=7)
    await relay.migrate()
    stop = asyncio.Event()
    relaying = asyncio.create_task(relay.run(stop, poll=0.01))  # relays while writers append
    await asyncio.gather(*(writer(store, n) for n in range(WRITERS)))
    await relay.drain()
    stop.set()
    await relaying
    await publisher.stop()

    total = WRITERS * EVENTS_EACH
    received = await read_topic(bus, total)
    assert [e.sequence for e in received] == [f"{n:020d}" for n in range(1, total + 1)]
    followed = await store.read_all(0, total + 1)
    assert [e.position for e in received] == [e.position for e in followed]
    assert [e.id for e in received] == [e.event_id for e in followed]


async def test_relay_resumes_from_its_checkpoint_after_a_restart(db, topic_prefix):
    store = EventStore(db)
    await store.migrate()
    bus = KafkaBus(kafka_bootstrap(), ["registry"], prefix=topic_prefix, partitions=1)
    await writer(store, 0)
    for _ in range(2):  # a second relay process over the same database publishes nothing again
        publisher = bus.publisher()
        await publisher.start()
        relay = Relay(store, publisher)
        await relay.migrate()
        await relay.drain()
        await publisher.stop()
    received = await read_topic(bus, EVENTS_EACH)
    assert [int(e.sequence or 0) for e in received] == list(range(1, EVENTS_EACH + 1))


async def test_a_relay_from_before_the_publication_count_numbers_on_from_its_position(
    db, topic_prefix
):
    """A relay that published before ``sequence`` was its own count published each event's
    position as its sequence, dense then (one writer): the count starts from its checkpoint."""
    store = EventStore(db)
    await store.migrate()
    bus = KafkaBus(kafka_bootstrap(), ["registry"], prefix=topic_prefix, partitions=1)
    await writer(store, 0)
    relay = Relay(store, bus.publisher())
    await relay.migrate()
    third = (await store.read_all(0, 3))[-1].position
    async with db.transaction() as conn:  # as an old relay left it: 3 events published
        await set_checkpoint(conn, "relay", third)
    await relay.publisher.start()
    try:
        await relay.drain()
    finally:
        await relay.publisher.stop()
    received = await read_topic(bus, EVENTS_EACH - 3)
    assert [int(e.sequence or 0) for e in received] == list(range(4, EVENTS_EACH + 1))


async def test_topic_history_merges_partitions_in_log_order_and_drops_repeats(db, topic_prefix):
    """A relay that published a batch again after a failure leaves repeats on the topic; the
    history read back is still the log: every event once, in log order, in batches."""
    store = EventStore(db)
    await store.migrate()
    bus = KafkaBus(kafka_bootstrap(), ["registry"], prefix=topic_prefix, partitions=3)
    await asyncio.gather(*(writer(store, n) for n in range(4)))
    events = await store.read_all(0, 1000)
    publisher = bus.publisher()
    await publisher.start()
    try:
        envelopes = [e.envelope(n) for n, e in enumerate(events, start=1)]  # as the relay numbers
        await publisher.publish(envelopes[:60])
        await publisher.publish(envelopes[40:70])  # 40..69 again
        await publisher.publish(envelopes[60:])
    finally:
        await publisher.stop()
    batches = [b async for b in topic_history(bus, "registry", batch=32)]
    assert [len(b) for b in batches] == [32, 32, 32, 4]
    history = [e for b in batches for e in b]
    assert [e.position for e in history] == [e.position for e in events]
    assert [e.event_id for e in history] == [e.event_id for e in events]


async def test_topic_history_leaves_the_types_not_read_undecoded_in_their_place(db, topic_prefix):
    """A reader of a few types (eligibility reads cases, not the reports that fill reporting's
    topic) gets those decoded and every other event bare, in its place: position, tenant,
    stream and type, no data, so a rebuild keeps its order and its progress."""
    store = EventStore(db)
    await store.migrate()
    bus = KafkaBus(kafka_bootstrap(), ["registry"], prefix=topic_prefix, partitions=2)
    for n in range(3):
        registered = EntityRegistered(entity_id=f"v{n}", name="村", kind="village", parent_id=None)
        await store.append("t1", f"v{n}", 0, [NewEvent(registered)], META)
        await writer(store, n)
    events = await store.read_all(0, 1000)
    publisher = bus.publisher()
    await publisher.start()
    try:
        await publisher.publish([e.envelope(n) for n, e in enumerate(events, start=1)])
    finally:
        await publisher.stop()
    read = {EntityRegistered.event_type()}
    history = [e async for b in topic_history(bus, "registry", types=read) for e in b]
    assert [(e.position, e.tenant, e.stream_id, e.type) for e in history] == [
        (e.position, e.tenant, e.stream_id, e.type) for e in events
    ]
    assert [e.data for e in history] == [e.data if e.type in read else {} for e in events]
    assert sum(e.type in read for e in history) == 3
