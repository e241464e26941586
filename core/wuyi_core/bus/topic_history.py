"""A service's Kafka topic read back whole, in log order: the source of a projection rebuilt
from the public copy of a log (``wuyi projections rebuild NAME --source topic``)."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from wuyi_contracts.envelope import Envelope

from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.eventstore.records import StoredEvent


async def topic_partitions(bus: KafkaBus, service: str) -> list[TopicPartition]:
    """Every partition of a service's topic, as the brokers describe it."""
    topic = bus.topic(service)
    admin = AIOKafkaAdminClient(bootstrap_servers=bus.bootstrap)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, p["partition"]) for p in description["partitions"]]


async def topic_history(
    bus: KafkaBus, service: str, batch: int = 500
) -> AsyncIterator[list[StoredEvent]]:
    """Every event on a service's topic up to now, in log order, each once: a projection source.

    Each partition holds its events in log order (the relay publishes by position), except
    that a batch published again after a failure repeats itself. The partitions are merged by
    ``sequence`` as they stream in, holding one fetch per partition rather than the topic: the
    smallest head is taken only while every unfinished partition has one, so anything at or
    below the last taken sequence is such a repeat, and is dropped."""
    partitions = await topic_partitions(bus, service)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bus.bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        # seek_to_beginning() after end_offsets() was seen to skip every record (aiokafka
        # 0.14); an explicit seek to the beginning offsets does not.
        begins = await consumer.beginning_offsets(partitions)
        for tp, offset in begins.items():
            consumer.seek(tp, offset)
        unread = {tp for tp in partitions if ends[tp] > begins[tp]}  # empty ones are done
        heads: dict[TopicPartition, deque[Envelope]] = {tp: deque() for tp in partitions}
        last, out = "", []
        while unread or any(heads.values()):
            starving = [tp for tp in unread if not heads[tp]]
            if starving:
                await _fetch(consumer, starving, ends, heads, unread)
                continue
            tp = min((tp for tp in partitions if heads[tp]), key=lambda t: _seq(heads[t][0]))
            envelope = heads[tp].popleft()
            if _seq(envelope) <= last:
                continue  # a repeat of an event already taken
            last = _seq(envelope)
            out.append(StoredEvent.from_envelope(envelope))
            if len(out) == batch:
                yield out
                out = []
        if out:
            yield out
    finally:
        await consumer.stop()


def _seq(envelope: Envelope) -> str:
    return envelope.sequence or ""


async def _fetch(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    ends: dict[TopicPartition, int],
    heads: dict[TopicPartition, deque[Envelope]],
    unread: set[TopicPartition],
) -> None:
    for tp, messages in (await consumer.getmany(*partitions, timeout_ms=1000)).items():
        for message in messages:
            if message.offset < ends[tp]:
                heads[tp].append(
                    Envelope.from_kafka(list(message.headers or []), message.value or b"")
                )
    for tp in partitions:
        if await consumer.position(tp) >= ends[tp]:
            unread.discard(tp)
