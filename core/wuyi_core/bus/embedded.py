"""The embedded bus: the service logs themselves are the bus.

A subscription reads each service's event store after its own checkpoint (kept in the
consumer's database, in the same transaction as the effect), so nothing is published twice and
nothing is lost across a restart. Appends in this process wake subscribers at once; appends from
another process (a CLI import) are picked up by polling.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence

from wuyi_core.bus.port import AbstractBus, AbstractPublisher, AbstractSubscription, Delivery
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.eventstore.store import EventStore
from wuyi_core.tracking import get_checkpoint


class EmbeddedBus(AbstractBus):
    def __init__(self, stores: Mapping[str, EventStore], batch: int = 500) -> None:
        self._stores = stores
        self._batch = batch

    def publisher(self) -> AbstractPublisher | None:
        return None

    def subscribe(
        self, consumer: str, services: Sequence[str], db: AbstractDatabase
    ) -> AbstractSubscription:
        return EmbeddedSubscription(
            consumer, {s: self._stores[s] for s in services}, db, self._batch
        )


class EmbeddedSubscription(AbstractSubscription):
    def __init__(
        self, consumer: str, stores: Mapping[str, EventStore], db: AbstractDatabase, batch: int
    ) -> None:
        self._consumer = consumer
        self._stores = stores
        self._db = db
        self._batch = batch
        self._positions: dict[str, int] = {}
        self._wake = asyncio.Event()
        self._listening = False

    def _name(self, service: str) -> str:
        return f"{self._consumer}@{service}"

    async def start(self) -> None:
        """Start, or start again after a failure: positions come back from the checkpoints,
        which moved only with committed effects."""
        async with self._db.read() as conn:
            for service in self._stores:
                self._positions[service] = await get_checkpoint(conn, self._name(service))
        if not self._listening:
            for store in self._stores.values():
                store.on_append(self._wake.set)
            self._listening = True

    async def next_batch(self, timeout: float) -> list[Delivery]:
        deliveries = await self._read()
        if deliveries:
            return deliveries
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)
        return await self._read()

    async def _read(self) -> list[Delivery]:
        for service, store in self._stores.items():
            events = await store.read_all(self._positions[service], self._batch)
            if events:
                self._positions[service] = events[-1].position
                name = self._name(service)
                return [Delivery(e.envelope(), (name, e.position)) for e in events]
        return []

    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        """Nothing to do: each delivery's checkpoint committed with its effect."""

    async def lag(self) -> int:
        total = 0
        for service, store in self._stores.items():
            total += await store.head() - self._positions.get(service, 0)
        return total

    async def stop(self) -> None:
        self._wake.set()
