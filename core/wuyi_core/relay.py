"""The relay: the outbox is the log itself; this publishes it to the bus in the order followers
read it (commit order on PostgreSQL, position order on SQLite: ``EventStore.follow_in``).

Each round runs in one transaction holding the relay's lock: read the checkpoint, read the next
events, publish them and wait for the bus to accept them, then move the checkpoint. Replicas of
a service queue on the lock, so only one publishes at a time and none republishes what another
already moved past. A crash between publish and commit republishes that batch once (consumers
deduplicate by event id); nothing is ever skipped, because followers read below the store's
horizon (no event can commit behind what they have read).

The relay numbers what it publishes: each envelope's ``sequence`` is 1, 2, 3, ... in publication
order, counted in the same transaction as the checkpoint (``<name>:sequence``), so a republished
batch carries the same numbers and subscribers can detect gaps and repeats although positions,
on PostgreSQL, have gaps and commit out of order. A relay from before the count published each
position as its sequence, dense then: the count starts at its checkpoint.

An event the bus refuses for good (larger than its message limit; the event store refuses such
events, so only a lowered limit or an old event can bring one here) does not make the relay
republish its batch: the events before it are checkpointed, and the relay stalls at it. It says
so loudly: an error log naming the position and event, ``wuyi_relay_stalled`` = 1, and the
service's ``/ready`` answers 503 naming it. It tries that one event again every
``stalled_retry`` seconds. The way out (docs in README, "When the relay stalls"): raise
``WUYI_KAFKA_MAX_MESSAGE_BYTES`` with the broker's ``message.max.bytes`` and restart; the
relay then publishes the event and goes on by itself.

Given a ``checkpointer``, the relay signs the log's head after each drain that published
something (eventstore/checkpoints.py), so the signed head follows the published one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from wuyi_core import health, telemetry
from wuyi_core.bus.port import AbstractPublisher, Unpublishable
from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore.checkpoints import Checkpointer
from wuyi_core.eventstore.records import StoredEvent
from wuyi_core.eventstore.store import EventStore
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
        stalled_retry: float = 30.0,
        checkpointer: Checkpointer | None = None,
    ) -> None:
        self.store = store
        self.publisher = publisher
        self.name = name
        self.batch = batch
        self.service = service  # a label for the metrics
        self.stalled_retry = stalled_retry
        self.stalled: Unpublishable | None = None
        self.checkpointer = checkpointer
        self._wake = asyncio.Event()
        store.on_append(self._wake.set)

    async def migrate(self) -> None:
        await self.store.db.migrate(DDL)

    @property
    def _labels(self) -> dict[str, str]:
        return {"relay": self.name, "service": self.service}

    @property
    def _component(self) -> str:
        return f"relay:{self.service or self.name}"

    async def run_once(self) -> int:
        """Publish the next batch; returns how many events were published. Raises
        ``Unpublishable`` after checkpointing the events before the refused one."""
        async with self.store.db.transaction(lock=f"relay:{self.name}") as conn:
            position = await get_checkpoint(conn, self.name)
            events = await self.store.follow_in(conn, position, self.batch)
            if not events:
                return 0
            count = await get_checkpoint(conn, self._count, default=position)
            try:
                await self.publisher.publish(
                    [event.envelope(count + n) for n, event in enumerate(events, start=1)]
                )
            except Unpublishable as refused:
                if refused.index:
                    await self._advance(conn, events[: refused.index], count)
                self._stall(refused, events[refused.index].position)
                return refused.index
            await self._advance(conn, events, count)
        self._resume()
        return len(events)

    @property
    def _count(self) -> str:
        return f"{self.name}:sequence"

    async def _advance(
        self, conn: AbstractConnection, published: list[StoredEvent], count: int
    ) -> None:
        """Checkpoint ``published`` (the batch's first events) and count them."""
        await set_checkpoint(conn, self.name, published[-1].position)
        await set_checkpoint(conn, self._count, count + len(published))

    def _stall(self, refused: Unpublishable, position: int) -> None:
        if self.stalled is None or self.stalled.envelope.id != refused.envelope.id:
            log.error(
                "relay %s STALLED at position %d: event %s (%s) cannot be published: %s. "
                "Raise WUYI_KAFKA_MAX_MESSAGE_BYTES and the broker's message.max.bytes, "
                "then restart the service.",
                self.name,
                position,
                refused.envelope.id,
                refused.envelope.type,
                refused.reason,
            )
        self.stalled = refused
        telemetry.relay_stalled.set(1, self._labels)
        health.report(
            self._component,
            f"relay stalled at position {position}: event {refused.envelope.id} "
            f"cannot be published ({refused.reason})",
        )

    def _resume(self) -> None:
        if self.stalled is not None:
            log.warning("relay %s: the stalled event is published; going on", self.name)
            self.stalled = None
        health.clear(self._component)
        telemetry.relay_stalled.set(0, self._labels)

    async def position(self) -> int:
        """The log position published so far."""
        async with self.store.db.read() as conn:
            return await get_checkpoint(conn, self.name)

    async def _measure(self) -> None:
        lag = await self.store.head() - await self.position()
        telemetry.relay_lag.set(lag, self._labels)

    async def drain(self) -> int:
        """Publish everything there is; stops early at an event that cannot be published."""
        total = 0
        while published := await self.run_once():
            total += published
            if self.stalled is not None:
                break
        if total and self.checkpointer is not None:
            await self.checkpointer.checkpoint()
        return total

    async def run(self, stop: asyncio.Event, poll: float = 1.0) -> None:
        """Publish until ``stop`` is set; bus or database outages are retried, never skipped."""
        while not stop.is_set():
            self._wake.clear()
            try:
                if await self.drain() and self.stalled is None:
                    continue
                await self._measure()
            except Exception:
                log.exception("relay %s failed; retrying", self.name)
                await asyncio.sleep(poll)
                continue
            pause = self.stalled_retry if self.stalled is not None else poll
            with contextlib.suppress(TimeoutError):
                if self.stalled is not None:
                    await asyncio.wait_for(stop.wait(), pause)
                else:
                    await asyncio.wait_for(self._wake.wait(), pause)
