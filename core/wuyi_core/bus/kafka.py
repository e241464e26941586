"""The Kafka bus: aiokafka producer (idempotent, acks=all) and plain aiokafka consumers.

Topics are created explicitly, before any producer writes, so they get the configured partition
count instead of the broker default. Consumer offsets are committed only after the effects of
the consumed messages are committed in the consumer's database; a redelivery after a crash is
absorbed by the processed-ids table.

Message size: the producer's ``max_request_size`` and the topics' ``max.message.bytes`` are both
``max_message_bytes`` (``WUYI_KAFKA_MAX_MESSAGE_BYTES``, default 1 MiB, Kafka's own default), and
the event store refuses any event whose envelope would not fit (``limits``), so an event that
cannot be published is never appended. The broker's ``message.max.bytes`` (and
``replica.fetch.max.bytes``) must be at least as large; raise all of them together.

Actors leave as pseudonyms (``pseudonyms``): the topics are public.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import MessageSizeTooLargeError, TopicAlreadyExistsError, for_code
from aiokafka.structs import ConsumerRecord
from wuyi_contracts.catalog import SERVICES, topic_for
from wuyi_contracts.envelope import Envelope

from wuyi_core.bus.port import (
    AbstractBus,
    AbstractPublisher,
    AbstractSubscription,
    Delivery,
    Undecodable,
    Unpublishable,
)
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.limits import MAX_MESSAGE_BYTES
from wuyi_core.pseudonyms import Pseudonyms
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
        max_message_bytes: int = MAX_MESSAGE_BYTES,
        pseudonyms: Pseudonyms | None = None,
    ) -> None:
        self.bootstrap = bootstrap
        self.services = tuple(services)
        self.prefix = prefix
        self.partitions = partitions
        self.replication = replication
        self.max_message_bytes = max_message_bytes
        self.pseudonyms = pseudonyms or Pseudonyms()

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
            max_message_bytes=settings.kafka_max_message_bytes,
            pseudonyms=Pseudonyms(settings.jwt_secret),
        )

    def topic(self, service: str) -> str:
        return topic_for(service, self.prefix)

    async def ensure_topics(self) -> None:
        """Create every service topic with infinite retention (the topics are the record), the
        configured message size, and with replicas a minimum in-sync count that survives the
        loss of one broker."""
        configs = {
            "retention.ms": "-1",
            "retention.bytes": "-1",
            "max.message.bytes": str(self.max_message_bytes),
        }
        if self.replication > 1:
            configs["min.insync.replicas"] = str(min(2, self.replication - 1) or 1)
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            topics = [
                NewTopic(self.topic(s), self.partitions, self.replication, topic_configs=configs)
                for s in self.services
            ]
            response = await admin.create_topics(topics)
            existing = []
            for name, code, *message in response.topic_errors:
                if code == TopicAlreadyExistsError.errno:
                    existing.append(name)
                elif code:
                    raise for_code(code)(f"cannot create topic {name}: {message}")
            # A raised message limit must reach topics made before it (alter_configs replaces
            # a topic's dynamic configs, so all of ours go together).
            if existing:
                await admin.alter_configs(
                    [ConfigResource(ConfigResourceType.TOPIC, name, configs) for name in existing]
                )
                await _until_applied(admin, existing, configs)
        finally:
            await admin.close()

    def publisher(self) -> AbstractPublisher:
        return KafkaPublisher(self)

    def subscribe(
        self, consumer: str, services: Sequence[str], db: AbstractDatabase
    ) -> AbstractSubscription:
        return KafkaSubscription(self, consumer, services)


async def _until_applied(
    admin: AIOKafkaAdminClient, topics: list[str], configs: dict[str, str], timeout: float = 15
) -> None:
    """Wait until the brokers report ``configs`` on every topic: KRaft applies an altered
    config asynchronously, and a producer must not meet the old limit after we said it rose."""
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in topics]
    async with asyncio.timeout(timeout):
        while True:
            described = await admin.describe_configs(resources)
            current = {
                (resource[3], entry[0]): entry[1]
                for response in described
                for resource in response.resources
                for entry in resource[4]
            }
            if all(current.get((t, k)) == v for t in topics for k, v in configs.items()):
                return
            await asyncio.sleep(0.1)


class KafkaPublisher(AbstractPublisher):
    def __init__(self, bus: KafkaBus) -> None:
        self._bus = bus
        self._producer = self._new_producer()
        self._stopped = False

    def _new_producer(self) -> AIOKafkaProducer:
        return AIOKafkaProducer(
            bootstrap_servers=self._bus.bootstrap,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            request_timeout_ms=30000,
            max_request_size=self._bus.max_message_bytes,
        )

    async def start(self) -> None:
        """Start, or start again after a stop (an aiokafka producer cannot be restarted)."""
        await self._bus.ensure_topics()
        if self._stopped:
            self._producer = self._new_producer()
            self._stopped = False
        await self._producer.start()

    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Send in order and wait for every acknowledgement. A message too large for the
        producer or the broker raises ``Unpublishable`` naming the first such envelope; every
        envelope before it has then been acknowledged."""
        futures: list[asyncio.Future[object]] = []
        refused: tuple[int, Exception] | None = None
        for index, envelope in enumerate(map(self._bus.pseudonyms.envelope, envelopes)):
            try:
                futures.append(
                    await self._producer.send(
                        self._bus.topic(envelope.service),
                        value=envelope.kafka_value(),
                        key=envelope.subject.encode(),
                        headers=envelope.kafka_headers(),
                    )
                )
            except MessageSizeTooLargeError as err:
                refused = (index, err)
                break
        results = await asyncio.gather(*futures, return_exceptions=True)
        for index, result in enumerate(results):
            if isinstance(result, MessageSizeTooLargeError):
                refused = (index, result)
                break
            if isinstance(result, BaseException):
                raise result
        if refused is not None:
            raise Unpublishable(refused[0], envelopes[refused[0]], str(refused[1]))

    async def stop(self) -> None:
        self._stopped = True
        await self._producer.stop()


class KafkaSubscription(AbstractSubscription):
    def __init__(self, bus: KafkaBus, consumer: str, services: Sequence[str]) -> None:
        self._bus = bus
        self._topics = [bus.topic(s) for s in services]
        self._group = f"{bus.prefix}{consumer}"
        self._consumer = self._new_consumer()
        self._stopped = False
        self._offsets: dict[TopicPartition, int] = {}

    def _new_consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bus.bootstrap,
            group_id=self._group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=500,
            fetch_max_bytes=max(52428800, self._bus.max_message_bytes),
            max_partition_fetch_bytes=max(1048576, self._bus.max_message_bytes),
        )

    async def start(self) -> None:
        """Start, or start again after a stop: an aiokafka consumer cannot be restarted, so a
        restarted subscription is a new member of the group, resuming from committed offsets."""
        await self._bus.ensure_topics()
        if self._stopped:
            self._consumer = self._new_consumer()
            self._offsets.clear()
            self._stopped = False
        await self._consumer.start()

    async def next_batch(self, timeout: float) -> list[Delivery]:
        records = await self._consumer.getmany(timeout_ms=int(timeout * 1000))
        deliveries = []
        for partition, messages in records.items():
            for message in messages:
                deliveries.append(delivery_of(message))
                self._offsets[partition] = message.offset + 1
        return deliveries

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        if self._offsets:
            await self._consumer.commit(dict(self._offsets))
            self._offsets.clear()

    async def stop(self) -> None:
        self._stopped = True
        await self._consumer.stop()

    async def lag(self) -> int:
        total = 0
        for tp in self._consumer.assignment():
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                total += max(0, highwater - await self._consumer.position(tp))
        return total


def delivery_of(message: ConsumerRecord[bytes, bytes]) -> Delivery:
    """A Kafka record as a delivery; a record that is no envelope becomes ``Undecodable``."""
    return decode(message.topic, message.partition, message.offset, message.headers, message.value)


def decode(topic: str, partition: int, offset: int, headers: Any, value: bytes | None) -> Delivery:
    """Also for faust's records, which carry the same parts."""
    items = headers.items() if hasattr(headers, "items") else headers or []
    pairs: list[tuple[str, bytes]] = [(str(key), raw) for key, raw in items]
    try:
        return Delivery(Envelope.from_kafka(pairs, value or b""))
    except Exception as err:
        raw = json.dumps(
            {
                "headers": {str(k): _text(v) for k, v in pairs},
                "value": _text(value or b""),
            },
            ensure_ascii=False,
        )
        where = f"{topic}:{partition}:{offset}"
        return Delivery(Undecodable(where, raw, f"{type(err).__name__}: {err}"[:2000]))


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
