"""The Kafka bus: aiokafka producer (idempotent, acks=all) and plain aiokafka consumers.

Topics are created explicitly, before any producer writes, so they get the configured partition
count instead of the broker default. Consumer offsets are committed only after the effects of
the consumed messages are committed in the consumer's database; a redelivery after a crash is
absorbed by the processed-ids table.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from wuyi_contracts.catalog import SERVICES, topic_for
from wuyi_contracts.envelope import Envelope

from wuyi_core.bus.port import AbstractBus, AbstractPublisher, AbstractSubscription, Delivery
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.eventstore.records import StoredEvent
from wuyi_core.settings import WuyiSettings


class KafkaBus(AbstractBus):
    def __init__(
        self,
        bootstrap: str,
        services: Sequence[str],
        *,
        prefix: str = "",
        partitions: int = 3,
        replication: int = 1,
    ) -> None:
        self.bootstrap = bootstrap
        self.services = tuple(services)
        self.prefix = prefix
        self.partitions = partitions
        self.replication = replication

    @classmethod
    def from_settings(cls, settings: WuyiSettings) -> KafkaBus:
        """The deployment's bus as ``WUYI_*`` configures it, carrying every service's topic."""
        if not settings.kafka_bootstrap:
            raise ValueError("WUYI_KAFKA_BOOTSTRAP is not set")
        return cls(
            settings.kafka_bootstrap,
            SERVICES,
            prefix=settings.topic_prefix,
            partitions=settings.topic_partitions,
            replication=settings.topic_replication,
        )

    def topic(self, service: str) -> str:
        return topic_for(service, self.prefix)

    async def ensure_topics(self) -> None:
        """Create every service topic with infinite retention: the topics are the record."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            for service in self.services:
                topic = NewTopic(
                    self.topic(service),
                    self.partitions,
                    self.replication,
                    topic_configs={"retention.ms": "-1", "retention.bytes": "-1"},
                )
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics([topic])
        finally:
            await admin.close()

    def publisher(self) -> AbstractPublisher:
        return KafkaPublisher(self)

    def subscribe(
        self, consumer: str, services: Sequence[str], db: AbstractDatabase
    ) -> AbstractSubscription:
        return KafkaSubscription(self, consumer, services)


class KafkaPublisher(AbstractPublisher):
    def __init__(self, bus: KafkaBus) -> None:
        self._bus = bus
        self._producer = AIOKafkaProducer(
            bootstrap_servers=bus.bootstrap,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            request_timeout_ms=30000,
        )

    async def start(self) -> None:
        await self._bus.ensure_topics()
        await self._producer.start()

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        futures = [
            await self._producer.send(
                self._bus.topic(envelope.service),
                value=envelope.kafka_value(),
                key=envelope.subject.encode(),
                headers=envelope.kafka_headers(),
            )
            for envelope in envelopes
        ]
        await asyncio.gather(*futures)

    async def stop(self) -> None:
        await self._producer.stop()


class KafkaSubscription(AbstractSubscription):
    def __init__(self, bus: KafkaBus, consumer: str, services: Sequence[str]) -> None:
        self._bus = bus
        self._topics = [bus.topic(s) for s in services]
        self._consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=bus.bootstrap,
            group_id=f"{bus.prefix}{consumer}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=500,
        )
        self._offsets: dict[TopicPartition, int] = {}

    async def start(self) -> None:
        await self._bus.ensure_topics()
        await self._consumer.start()

    async def next_batch(self, timeout: float) -> list[Delivery]:
        records = await self._consumer.getmany(timeout_ms=int(timeout * 1000))
        deliveries = []
        for partition, messages in records.items():
            for message in messages:
                headers = list(message.headers or [])
                deliveries.append(Delivery(Envelope.from_kafka(headers, message.value or b"")))
                self._offsets[partition] = message.offset + 1
        return deliveries

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if self._offsets:
            await self._consumer.commit(dict(self._offsets))
            self._offsets.clear()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def lag(self) -> int:
        total = 0
        for tp in self._consumer.assignment():
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                total += max(0, highwater - await self._consumer.position(tp))
        return total


async def topic_history(
    bus: KafkaBus, service: str, batch: int = 500
) -> AsyncIterator[list[StoredEvent]]:
    """Every event on a service's topic up to now, in log order, each once: a projection source.

    Each partition holds its events in log order (the relay publishes by position), except
    that a batch published again after a failure repeats itself. The partitions are merged by
    ``sequence`` as they stream in, holding one fetch per partition rather than the topic: the
    smallest head is taken only while every unfinished partition has one, so anything at or
    below the last taken sequence is such a repeat, and is dropped."""
    topic = bus.topic(service)
    admin = AIOKafkaAdminClient(bootstrap_servers=bus.bootstrap)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [TopicPartition(topic, p["partition"]) for p in description["partitions"]]
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
