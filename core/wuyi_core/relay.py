"""The relay: the outbox is the log itself; this publishes it to the bus in position order.

Each round runs in one transaction holding the relay's lock: read the checkpoint, read the next
events, publish them and wait for the bus to accept them, then move the checkpoint. Replicas of
a service queue on the lock, so only one publishes at a time and none republishes what another
already moved past. A crash between publish and commit republishes that batch once (consumers
deduplicate by event id); nothing is ever skipped, because positions commit in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from wuyi_core import telemetry
from wuyi_core.bus.port import AbstractPublisher
from wuyi_core.eventstore.store import EventStore, read_all
from wuyi_core.tracking import DDL, get_checkpoint, set_checkpoint

log = logging.getLogger(__name__)


class Relay:
    def __init__(
        self,
        store: EventStore,
        publisher: AbstractPublisher,
        *,
        name: str = "relay",
        batch: int = 500,
        service: str = "",
    ) -> None:
        self.store = store
        self.publisher = publisher
        self.name = name
        self.batch = batch
        self.service = service  # a label for the lag metric
        self._wake = asyncio.Event()
        store.on_append(self._wake.set)

    async def migrate(self) -> None:
        await self.store.db.migrate(DDL)

    async def run_once(self) -> int:
        """Publish the next batch; returns how many events were published."""
        async with self.store.db.transaction(lock=f"relay:{self.name}") as conn:
            position = await get_checkpoint(conn, self.name)
            events = await read_all(conn, position, self.batch)
            if events:
                await self.publisher.publish([event.envelope() for event in events])
                await set_checkpoint(conn, self.name, events[-1].position)
        return len(events)

    async def position(self) -> int:
        """The log position published so far."""
        async with self.store.db.read() as conn:
            return await get_checkpoint(conn, self.name)

    async def _measure(self) -> None:
        lag = await self.store.head() - await self.position()
        telemetry.relay_lag.set(lag, {"relay": self.name, "service": self.service})

    async def drain(self) -> int:
        total = 0
        while published := await self.run_once():
            total += published
        return total

    async def run(self, stop: asyncio.Event, poll: float = 1.0) -> None:
        """Publish until ``stop`` is set; bus or database outages are retried, never skipped."""
        while not stop.is_set():
            self._wake.clear()
            try:
                if await self.drain():
                    continue
                await self._measure()
            except Exception:
                log.exception("relay %s failed; retrying", self.name)
                await asyncio.sleep(poll)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), poll)
