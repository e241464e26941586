"""The consumer runner: at-least-once delivery, exactly-once effects, retries, dead letters.

Each delivery is handled in one transaction of the consumer's own database that also records
the event id as processed (and, on the embedded bus, the log position). A redelivered event
finds its id and is skipped.

``process`` returns only once the delivery's effect, or its parking, has committed, and never
raises (but for cancellation); so the bus position moves past an event only when one of the two
is durable. That matters most under faust, which commits the offset of a message whose agent
raised.

- A database outage is not a poison event: while the database is out of reach (the error says
  so, or a trivial query fails), the runner waits with capped, jittered backoff, without limit,
  and retries without counting the attempt. The process reports itself not ready meanwhile.
- A handler that fails while the database works is retried ``attempts`` times with exponential
  backoff (tenacity), then the event is parked in ``dead_letters`` with its error and the
  consumer goes on. Parked events are replayed with ``replay_dead_letters`` once the cause is
  fixed. Handlers are written to be correct in any order, so a replay after later events of the
  same entity is safe (see the handlers' own docs).
- A record that is not an envelope at all is parked as it came (``Undecodable``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import AsyncRetrying, stop_after_attempt, wait_exponential
from wuyi_contracts.envelope import Envelope

from wuyi_core import health, logs, telemetry
from wuyi_core.bus.port import AbstractSubscription, Delivery, Undecodable
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.db.port import AbstractConnection, AbstractDatabase
from wuyi_core.tracking import DDL, set_checkpoint

log = logging.getLogger(__name__)
Handler = Callable[[Envelope, AbstractConnection], Awaitable[None]]
T = TypeVar("T")


async def _unless_stopped(
    subscription: AbstractSubscription, poll: float, stop: asyncio.Event
) -> list[Delivery]:
    """The next batch, or nothing as soon as ``stop`` is set: an idle consumer stops at once
    instead of at the end of its poll. A fetch cut short consumed nothing that counts, since
    positions move only with committed effects."""
    fetching = asyncio.ensure_future(subscription.next_batch(poll))
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((fetching, stopping), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not fetching.done():
            fetching.cancel()
            await asyncio.wait((fetching,))
    return [] if fetching.cancelled() else fetching.result()


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
        outage_backoff: float = 10.0,
        clock: Clock | None = None,
        after_commit: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """``after_commit`` runs after each applied event's transaction has committed (e.g. to
        bring read models current at once rather than at the next poll). ``outage_backoff``
        caps the pause between checks while the database is out of reach."""
        self.name = name
        self.db = db
        self.subscription = subscription
        self.handler = handler
        self.attempts = attempts
        self.backoff = backoff
        self.outage_backoff = outage_backoff
        self.clock = clock or SystemClock()
        self.after_commit = after_commit

    async def migrate(self) -> None:
        await self.db.migrate(DDL)

    async def run(self, stop: asyncio.Event, poll: float = 0.5) -> None:
        """Consume until ``stop`` is set. An error escaping here (a failed offset commit on a
        rebalance, say) ends the run; its supervisor starts it again, and the subscription
        resumes from what was committed."""
        subscription = self._own_subscription()
        component = f"consumer:{self.name}:bus"
        # not ready until the subscription runs (on Kafka: connected, its group joined), and
        # not ready again from the moment the run fails until its supervisor restarted it
        health.report(component, "subscription not started")
        try:
            await subscription.start()
            health.clear(component)
            while not stop.is_set():
                await self.process_batch(await _unless_stopped(subscription, poll, stop))
                await self._measure(subscription)
        except Exception as err:
            health.report(component, f"subscription failed: {type(err).__name__}: {err}")
            raise
        finally:
            if stop.is_set():
                health.clear(component)
            try:
                await subscription.stop()
            except Exception:
                log.warning("consumer %s: stopping its subscription failed", self.name)

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

    async def _measure(self, subscription: AbstractSubscription) -> None:
        try:
            telemetry.consumer_lag.set(await subscription.lag(), {"consumer": self.name})
        except Exception:  # a metric is not worth stopping the consumer for
            log.debug("consumer %s: lag unknown", self.name, exc_info=True)

    async def process(self, delivery: Delivery) -> None:
        """Apply the delivery once, or park it; returns when either has committed. What is
        logged meanwhile carries the event's correlation id (and, while it is handled, the
        trace id of its consumer span)."""
        envelope = delivery.envelope
        token = logs.correlation.set(
            envelope.correlationid if isinstance(envelope, Envelope) else None
        )
        try:
            await self._process(delivery)
        finally:
            logs.correlation.reset(token)

    async def _process(self, delivery: Delivery) -> None:
        if isinstance(delivery.envelope, Undecodable):
            log.warning(
                "consumer %s parks an undecodable record at %s: %s",
                self.name,
                delivery.envelope.where,
                delivery.envelope.error,
            )
            await self._park(delivery, delivery.envelope.error, 0)
            return
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            reraise=True,
            wait=wait_exponential(multiplier=self.backoff, max=self.backoff * 30),
        )
        try:
            async for attempt in retrying:
                with attempt:
                    applied = await self._through_outages(lambda: self._apply(delivery))
        except Exception as err:  # the database works and the handler still fails: park it
            log.warning("consumer %s parks event %s: %s", self.name, delivery.event_id, err)
            await self._park(delivery, f"{type(err).__name__}: {err}", self.attempts)
            return
        self._count("applied" if applied else "duplicate")
        if applied and self.after_commit is not None:
            try:
                await self.after_commit()
            except Exception:  # the effect is committed; followers will catch up later
                log.exception("consumer %s: after-commit hook failed", self.name)

    async def _apply(self, delivery: Delivery) -> bool:
        """Apply once; False when the event had been processed before (a redelivery)."""
        envelope = delivery.envelope
        assert isinstance(envelope, Envelope)
        name = f"{self.name} {envelope.type}"
        with telemetry.span(name, envelope.traceparent, telemetry.SpanKind.CONSUMER):
            async with self.db.transaction(lock=f"consumer:{self.name}") as conn:
                if await self._seen(conn, envelope.id):
                    return False
                await self.handler(envelope, conn)
                await self._record(conn, delivery)
        return True

    async def _through_outages(self, action: Callable[[], Awaitable[T]]) -> T:
        """Run ``action``; while it fails and the database does not answer, wait until it
        answers again and run it again, as long as it takes. What failed is asked of the
        database itself, not read from the error: a handler's own network call may fail with
        the same ``OSError`` while the database works, and that is the handler's failure."""
        while True:
            try:
                return await action()
            except Exception as err:
                if await self._answers():
                    raise
                await self._wait_for_database(err)

    async def _answers(self) -> bool:
        try:
            return await self.db.available()
        except Exception:  # not an outage: let the caller count the failure
            return True

    async def _wait_for_database(self, err: Exception) -> None:
        component = f"consumer:{self.name}"
        log.warning("consumer %s: database out of reach (%s); waiting", self.name, err)
        health.report(component, f"waiting for its database: {type(err).__name__}: {err}")
        self._count("outage")
        checks = 0
        while not await self._answers():
            checks += 1
            await asyncio.sleep(self._pause(checks, self.outage_backoff))
        health.clear(component)
        log.info("consumer %s: database back after %d checks", self.name, checks)

    def _pause(self, failures: int, cap: float) -> float:
        """Exponential from ``backoff``, capped, with jitter so replicas do not retry in step."""
        return float(min(cap, self.backoff * 2 ** min(failures, 16)) * random.uniform(0.5, 1.0))

    async def _park(self, delivery: Delivery, error: str, attempts: int) -> None:
        """Park the delivery; like ``process`` this returns only once the parking committed.
        A parking that fails on a working database is a defect to fix, not a reason to drop
        the event: it is logged with its traceback and retried, and the process is not ready."""
        component = f"consumer:{self.name}:parking"
        failures = 0
        while True:
            try:
                await self._through_outages(lambda: self._park_once(delivery, error, attempts))
                break
            except Exception:
                failures += 1
                log.exception("consumer %s cannot park %s; retrying", self.name, delivery.event_id)
                health.report(component, f"cannot park event {delivery.event_id}")
                await asyncio.sleep(self._pause(failures, self.outage_backoff))
        health.clear(component)
        self._count("parked")

    async def _park_once(self, delivery: Delivery, error: str, attempts: int) -> None:
        envelope = delivery.envelope
        text = envelope.raw if isinstance(envelope, Undecodable) else envelope.model_dump_json()
        async with self.db.transaction(lock=f"consumer:{self.name}") as conn:
            if await self._seen(conn, envelope.id):
                return
            await conn.execute(
                "INSERT INTO dead_letters (consumer, event_id, envelope, error, attempts, "
                "parked_at) VALUES ($1, $2, $3, $4, $5, $6)",
                self.name,
                envelope.id,
                text,
                error,
                attempts,
                self.clock.now().isoformat(),
            )
            await self._record(conn, delivery)

    def _count(self, outcome: str) -> None:
        telemetry.consumer_events.add(1, {"consumer": self.name, "outcome": outcome})

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
            try:
                envelope = Envelope.model_validate(json.loads(row["envelope"]))
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
            delivery.event_id,
        )
        if delivery.checkpoint is not None:
            await set_checkpoint(conn, *delivery.checkpoint)
