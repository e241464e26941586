"""A service's Kafka topic read back whole, in log order: the source of a projection rebuilt
from the public copy of a log (``wuyi projections rebuild NAME --source topic``)."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Collection
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from wuyi_contracts.envelope import Envelope

from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.eventstore.records import EventMetadata, StoredEvent

# A head of a partition: the event's ``sequence`` (merge order) and the event.
Head = tuple[str, StoredEvent]


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
    bus: KafkaBus, service: str, batch: int = 500, types: Collection[str] | None = None
) -> AsyncIterator[list[StoredEvent]]:
    """Every event on a service's topic up to now, in log order, each once: a projection source.

    Each partition holds its events in log order (the relay publishes by position), except
    that a batch published again after a failure repeats itself. The partitions are merged by
    ``sequence`` as they stream in, holding one fetch per partition rather than the topic: the
    smallest head is taken only while every unfinished partition has one, so anything at or
    below the last taken sequence is such a repeat, and is dropped.

    ``types``: the event types the caller reads (``Projection.types``). The others are not
    decoded: they come as bare events (position, tenant, stream, type; no data, no time) that
    keep the order and the progress of a rebuild, and the projector passes over. Reports are most of
    reporting's topic and eligibility reads none of them."""
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
        heads: dict[TopicPartition, deque[Head]] = {tp: deque() for tp in partitions}
        last, out = "", []
        while unread or any(heads.values()):
            starving = [tp for tp in unread if not heads[tp]]
            if starving:
                await _fetch(consumer, starving, ends, heads, unread, types)
                continue
            tp = min((tp for tp in partitions if heads[tp]), key=lambda t: heads[t][0][0])
            sequence, event = heads[tp].popleft()
            if sequence <= last:
                continue  # a repeat of an event already taken
            last = sequence
            out.append(event)
            if len(out) == batch:
                yield out
                out = []
        if out:
            yield out
    finally:
        await consumer.stop()


async def _fetch(
    consumer: AIOKafkaConsumer,
    partitions: list[TopicPartition],
    ends: dict[TopicPartition, int],
    heads: dict[TopicPartition, deque[Head]],
    unread: set[TopicPartition],
    types: Collection[str] | None,
) -> None:
    for tp, messages in (await consumer.getmany(*partitions, timeout_ms=1000)).items():
        for message in messages:
            if message.offset < ends[tp]:
                heads[tp].append(_head(list(message.headers or []), message.value or b"", types))
    for tp in partitions:
        if await consumer.position(tp) >= ends[tp]:
            unread.discard(tp)


def _head(headers: list[tuple[str, bytes]], value: bytes, types: Collection[str] | None) -> Head:
    if types is None:
        return _decoded(headers, value)
    # Of an event the caller does not read, only the headers that place it are decoded.
    placing = {k[3:]: v.decode() for k, v in headers if k in _PLACING}
    if placing["type"] in types:
        return _decoded(headers, value)
    return placing.get("sequence", ""), _bare(placing)


def _decoded(headers: list[tuple[str, bytes]], value: bytes) -> Head:
    envelope = Envelope.from_kafka(headers, value)
    return envelope.sequence or "", StoredEvent.from_envelope(envelope)


_PLACING = frozenset(
    f"ce_{name}"
    for name in ("type", "sequence", "position", "tenant", "subject", "id", "streamversion")
)
_NOBODY = EventMetadata(actor="", role="", correlation_id="")
_UNREAD = datetime.fromtimestamp(0, UTC)  # a bare event's time is not read: not decoded


def _bare(placing: dict[str, str]) -> StoredEvent:
    """An event the caller does not read, from its headers alone: where it stands, no data."""
    position = placing.get("position") or placing["sequence"]  # as ``from_envelope``
    return StoredEvent(
        int(position),
        placing["tenant"],
        placing.get("subject", ""),
        int(placing.get("streamversion") or 0),
        placing["id"],
        placing["type"],
        {},
        None,
        _NOBODY,
        _UNREAD,
        "",
        "",
    )
