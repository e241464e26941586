"""One service's log on PostgreSQL, relayed to Kafka and consumed into a second PostgreSQL
schema whose effect counts applications per event id: what a bus fault is measured on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from wuyi_contracts.envelope import Envelope
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.port import AbstractPublisher
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractConnection
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.eventstore import EventStore
from wuyi_core.loops import Loop, named
from wuyi_core.relay import Relay

from conftest import drop_schema, open_postgres

EFFECTS = "CREATE TABLE effects (event_id TEXT PRIMARY KEY, applied INTEGER NOT NULL)"
CONSUMER = "effects"


async def count_effect(envelope: Envelope, conn: AbstractConnection) -> None:
    """The effect: a counter per event id, so a doubled effect shows as 2, not as an error."""
    await conn.execute(
        "INSERT INTO effects (event_id, applied) VALUES ($1, 1) "
        "ON CONFLICT (event_id) DO UPDATE SET applied = effects.applied + 1",
        envelope.id,
    )


@dataclass
class Pipeline:
    source: PostgresDatabase
    target: PostgresDatabase
    store: EventStore
    bus: KafkaBus
    publisher: AbstractPublisher
    relay: Relay
    runner: ConsumerRunner

    @classmethod
    async def open(cls, bootstrap: str, replication: int = 3) -> Pipeline:
        """Fresh schemas and a fresh topic prefix; the publisher is started by ``start``."""
        source, target = await open_postgres(), await open_postgres()
        store = EventStore(source)
        await store.migrate()
        await target.migrate([EFFECTS])
        prefix = f"f{uuid.uuid4().hex[:8]}."
        bus = KafkaBus(bootstrap, ["registry"], prefix=prefix, replication=replication)
        publisher = bus.publisher()
        relay = Relay(store, publisher, batch=200)
        subscription = bus.subscribe(CONSUMER, ["registry"], target)
        runner = ConsumerRunner(CONSUMER, target, subscription, count_effect)
        await relay.migrate()
        await runner.migrate()
        return cls(source, target, store, bus, publisher, relay, runner)

    async def start(self) -> None:
        await self.publisher.start()

    def loops(self) -> list[Loop]:
        """The relay and the consumer as a service runs them, polling briskly."""
        return [
            named("relay", lambda stop: self.relay.run(stop, poll=0.1)),
            named("consumer", lambda stop: self.runner.run(stop, poll=0.2)),
        ]

    @property
    def topic(self) -> str:
        return str(self.bus.topic("registry"))

    async def applied(self) -> int:
        """Events applied (each counted once, however often it was applied)."""
        async with self.target.read() as conn:
            return int(await conn.fetchval("SELECT COUNT(*) FROM effects"))

    async def offsets(self, partitions: list[TopicPartition]) -> tuple[list[int], list[int]]:
        """The topic's end offsets and the consumer group's committed offsets, per partition."""
        reader = AIOKafkaConsumer(bootstrap_servers=self.bus.bootstrap)
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bus.bootstrap)
        await reader.start()
        await admin.start()
        try:
            ends = await reader.end_offsets(partitions)
            group = f"{self.bus.prefix}{CONSUMER}"
            committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
        finally:
            await reader.stop()
            await admin.close()
        return [ends[tp] for tp in partitions], [
            committed[tp].offset if tp in committed else -1 for tp in partitions
        ]

    async def effects_against_log(self) -> dict[str, int]:
        """Logged events with no effect, event ids applied more than once, and effects of no
        logged event."""
        ids: set[str] = set()
        position = 0
        while events := await self.store.read_all(position, 1000):
            ids.update(e.event_id for e in events)
            position = events[-1].position
        async with self.target.read() as conn:
            rows = await conn.fetch("SELECT event_id, applied FROM effects")
        counts = {str(r["event_id"]): int(r["applied"]) for r in rows}
        return {
            "missing": len(ids - counts.keys()),
            "doubled": sum(1 for n in counts.values() if n > 1),
            "unknown": len(counts.keys() - ids),
        }

    async def close(self) -> None:
        await self.publisher.stop()
        for db in (self.source, self.target):
            await drop_schema(db)
            await db.close()
