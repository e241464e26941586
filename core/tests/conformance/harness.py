"""A bus under test, embedded or Kafka, fed from a real event store."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from wuyi_core.bus.embedded import EmbeddedBus
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.port import AbstractBus, AbstractPublisher
from wuyi_core.consumer import ConsumerRunner, Handler
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.eventstore import EventStore
from wuyi_core.relay import Relay


@dataclass
class BusHarness:
    kind: str
    store: EventStore
    consumer_db: AbstractDatabase
    bus: AbstractBus
    publisher: AbstractPublisher | None = None
    relay: Relay | None = None
    runners: list[ConsumerRunner] = field(default_factory=list)

    @classmethod
    async def create(
        cls,
        kind: str,
        store: EventStore,
        consumer_db: AbstractDatabase,
        bootstrap: str | None,
        prefix: str,
        partitions: int = 3,
    ) -> BusHarness:
        if kind == "embedded":
            return cls(kind, store, consumer_db, EmbeddedBus({"registry": store}))
        bus = KafkaBus(bootstrap or "", ["registry"], prefix=prefix, partitions=partitions)
        publisher = bus.publisher()
        await publisher.start()
        relay = Relay(store, publisher)
        await relay.migrate()
        return cls(kind, store, consumer_db, bus, publisher, relay)

    async def publish(self) -> None:
        """Move appended events onto the bus (the relay's job; the embedded bus needs none)."""
        if self.relay is not None:
            await self.relay.drain()

    def runner(self, name: str, handler: Handler, **options: float) -> ConsumerRunner:
        subscription = self.bus.subscribe(name, ["registry"], self.consumer_db)
        runner = ConsumerRunner(name, self.consumer_db, subscription, handler, **options)  # type: ignore[arg-type]
        self.runners.append(runner)
        return runner

    async def run_until(
        self,
        runner: ConsumerRunner,
        done: asyncio.Event | None = None,
        *,
        condition=None,
        timeout: float = 30,
    ) -> None:
        """Run ``runner`` until ``condition()`` holds, then stop it cleanly."""
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop, poll=0.1))
        try:
            async with asyncio.timeout(timeout):
                while not await condition():
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await task

    async def close(self) -> None:
        if self.publisher is not None:
            await self.publisher.stop()
