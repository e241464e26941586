"""The consumer runner: at-least-once delivery, exactly-once effects, retries, dead letters.

Each delivery is handled in one transaction of the consumer's own database that also records
the event id as processed (and, on the embedded bus, the log position). A redelivered event
finds its id and is skipped. A failing handler is retried with exponential backoff; when the
retries are spent the event is parked in ``dead_letters`` with its error, and the consumer goes
on. Parked events can be replayed with ``replay_dead_letters`` once the cause is fixed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential
from wuyi_contracts.envelope import Envelope

from wuyi_core import telemetry
from wuyi_core.bus.port import AbstractSubscription, Delivery
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.db.port import AbstractConnection, AbstractDatabase
from wuyi_core.tracking import DDL, set_checkpoint

log = logging.getLogger(__name__)
Handler = Callable[[Envelope, AbstractConnection], Awaitable[None]]


class ConsumerRunner:
    def __init__(
        self,
        name: str,
        db: AbstractDatabase,
        subscription: AbstractSubscription | None,
        handler: Handler,
        *,
        attempts: int = 5,
        backoff: float = 0.2,
        clock: Clock | None = None,
        after_commit: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """``after_commit`` runs after each applied event's transaction has committed (e.g. to
        bring read models current at once rather than at the next poll)."""
        self.name = name
        self.db = db
        self.subscription = subscription
        self.handler = handler
        self.attempts = attempts
        self.backoff = backoff
        self.clock = clock or SystemClock()
        self.after_commit = after_commit

    async def migrate(self) -> None:
        await self.db.migrate(DDL)

    async def run(self, stop: asyncio.Event, poll: float = 0.5) -> None:
        subscription = self._own_subscription()
        await subscription.start()
        try:
            while not stop.is_set():
                await self.process_batch(await subscription.next_batch(poll))
                telemetry.consumer_lag.set(await subscription.lag(), {"consumer": self.name})
        finally:
            await subscription.stop()

    async def drain(self) -> None:
        """Process every delivery available now, then return (demos, commands, tests)."""
        subscription = self._own_subscription()
        await subscription.start()
        try:
            while batch := await subscription.next_batch(0):
                await self.process_batch(batch)
        finally:
            await subscription.stop()

    async def process_batch(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            await self.process(delivery)
        if deliveries:
            await self._own_subscription().commit(deliveries)

    def _own_subscription(self) -> AbstractSubscription:
        if self.subscription is None:
            raise RuntimeError(f"consumer {self.name} is driven from outside (no subscription)")
        return self.subscription

    async def process(self, delivery: Delivery) -> None:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            reraise=True,
            wait=wait_exponential(multiplier=self.backoff, max=self.backoff * 30),
        )
        try:
            async for attempt in retrying:
                with attempt:
                    applied = await self._apply(delivery)
        except Exception as err:  # retries spent: park it and keep the stream moving
            log.warning("consumer %s parks event %s: %s", self.name, delivery.envelope.id, err)
            await self._park(delivery, err)
            self._count("parked")
            return
        self._count("applied" if applied else "duplicate")
        if self.after_commit is not None:
            try:
                await self.after_commit()
            except Exception:  # the effect is committed; followers will catch up later
                log.exception("consumer %s: after-commit hook failed", self.name)

    async def _apply(self, delivery: Delivery) -> bool:
        """Apply once; False when the event had been processed before (a redelivery)."""
        envelope = delivery.envelope
        name = f"{self.name} {envelope.type}"
        with telemetry.span(name, envelope.traceparent, telemetry.SpanKind.CONSUMER):
            async with self.db.transaction(lock=f"consumer:{self.name}") as conn:
                if await self._seen(conn, envelope.id):
                    return False
                await self.handler(envelope, conn)
                await self._record(conn, delivery)
        return True

    def _count(self, outcome: str) -> None:
        telemetry.consumer_events.add(1, {"consumer": self.name, "outcome": outcome})

    async def _park(self, delivery: Delivery, err: Exception) -> None:
        async with self.db.transaction(lock=f"consumer:{self.name}") as conn:
            if await self._seen(conn, delivery.envelope.id):
                return
            await conn.execute(
                "INSERT INTO dead_letters (consumer, event_id, envelope, error, attempts, "
                "parked_at) VALUES ($1, $2, $3, $4, $5, $6)",
                self.name,
                delivery.envelope.id,
                delivery.envelope.model_dump_json(),
                f"{type(err).__name__}: {err}",
                self.attempts,
                self.clock.now().isoformat(),
            )
            await self._record(conn, delivery)

    async def replay_dead_letters(self) -> tuple[int, int]:
        """Run the handler again on every parked event; returns (replayed, still parked)."""
        async with self.db.read() as conn:
            rows = await conn.fetch(
                "SELECT event_id, envelope FROM dead_letters WHERE consumer = $1 "
                "ORDER BY parked_at, event_id",
                self.name,
            )
        replayed = 0
        for row in rows:
            envelope = Envelope.model_validate(json.loads(row["envelope"]))
            try:
                async with self.db.transaction(lock=f"consumer:{self.name}") as conn:
                    await self.handler(envelope, conn)
                    await conn.execute(
                        "DELETE FROM dead_letters WHERE consumer = $1 AND event_id = $2",
                        self.name,
                        row["event_id"],
                    )
                replayed += 1
            except Exception as err:
                log.warning("replay of %s failed again: %s", row["event_id"], err)
        if replayed and self.after_commit is not None:
            await self.after_commit()
        return replayed, len(rows) - replayed

    async def _seen(self, conn: AbstractConnection, event_id: str) -> bool:
        return (
            await conn.fetchval(
                "SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2",
                self.name,
                event_id,
            )
            is not None
        )

    async def _record(self, conn: AbstractConnection, delivery: Delivery) -> None:
        await conn.execute(
            "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)",
            self.name,
            delivery.envelope.id,
        )
        if delivery.checkpoint is not None:
            await set_checkpoint(conn, *delivery.checkpoint)
