"""The sender: pending deliveries go out, each on its own, and each attempt is recorded.

Due deliveries are claimed under a lock (their ``next_at`` moves past a lease), then sent
concurrently, each bounded by the channel's timeout: a slow or dead receiver holds up only its
own delivery. A failure is retried with exponential backoff and jitter until the retry horizon,
then the delivery is dead and parked in ``dead_letters`` (``wuyi dead-letters`` lists and
replays it). A crash after a receiver answered and before the record commits sends the delivery
again with the same ``Idempotency-Key``, which the receiver uses to settle the duplicate.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from wuyi_core.db.port import AbstractConnection

from wuyi_notifier import metrics
from wuyi_notifier.adapters import deliveries, subscriptions, webhook
from wuyi_notifier.adapters.deliveries import CLAIM_LOCK, Due
from wuyi_notifier.bootstrap import Notifier

DEAD_LETTERS = "notifier.deliveries"


async def send_due(notifier: Notifier) -> int:
    """Send every delivery due now; returns how many were attempted."""
    now = notifier.clock.now()
    lease = timedelta(seconds=notifier.settings.webhook_timeout_seconds + 60)
    async with notifier.db.transaction(lock=CLAIM_LOCK) as conn:
        claimed = await deliveries.claim_due(conn, now, lease, notifier.settings.send_batch)
    await asyncio.gather(*(_attempt(notifier, due) for due in claimed))
    return len(claimed)


async def _attempt(notifier: Notifier, due: Due) -> None:
    async with notifier.db.read() as conn:
        sub = await subscriptions.get(conn, due.subscription_id or "")
    if sub is None or not sub.active:
        outcome = webhook.Outcome(False, 0, "subscription removed")
        await _settle(notifier, due, outcome, give_up=True)
        return
    timestamp = int(notifier.clock.now().timestamp())
    outcome = await webhook.post(
        notifier.http(),
        sub.target,
        sub.secret,
        due.envelope,
        f"{due.envelope.id}:{sub.id}",
        timestamp,
        notifier.settings.webhook_timeout_seconds,
    )
    await _settle(notifier, due, outcome)


async def _settle(
    notifier: Notifier, due: Due, outcome: webhook.Outcome, give_up: bool = False
) -> None:
    now, policy = notifier.clock.now(), notifier.settings.retry
    metrics.attempt(due.channel, "delivered" if outcome.ok else "failed", outcome.latency_ms)
    async with notifier.db.transaction() as conn:
        if outcome.ok:
            await deliveries.attempted(conn, due, now, "delivered", outcome.latency_ms, None)
            return
        first = due.first_attempt_at or now
        if give_up or policy.gives_up(first, now):
            await deliveries.attempted(conn, due, now, "dead", outcome.latency_ms, outcome.error)
            await _park(conn, due, outcome.error or "", now.isoformat())
            metrics.attempt(due.channel, "dead")
            return
        retry_at = now + policy.delay(due.attempts + 1)
        await deliveries.attempted(
            conn, due, now, "pending", outcome.latency_ms, outcome.error, retry_at
        )


async def _park(conn: AbstractConnection, due: Due, error: str, at: str) -> None:
    await conn.execute(
        "INSERT INTO dead_letters (consumer, event_id, envelope, error, attempts, parked_at)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (consumer, event_id) DO UPDATE SET"
        " error = excluded.error, attempts = excluded.attempts, parked_at = excluded.parked_at",
        DEAD_LETTERS,
        due.envelope.id,
        due.envelope.model_dump_json(),
        f"{due.channel} {due.recipient}: {error}",
        due.attempts + 1,
        at,
    )
