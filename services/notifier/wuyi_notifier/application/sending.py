"""The sender: pending deliveries go out, each on its own, and each attempt is recorded.

Due deliveries are claimed under a lock (their ``next_at`` moves past a lease), then sent
concurrently, each bounded by the channel's timeout: a slow or dead receiver holds up only its
own delivery. A group robot takes at most 20 messages a minute: beyond that, deliveries wait
in the queue (deferred, no attempt counted) until the minute frees. A failure is retried with
exponential backoff and jitter until the retry horizon, or given up at once when the receiver
says retrying cannot help (a robot's error code); then the delivery is dead and parked in
``dead_letters`` (``wuyi dead-letters`` lists and replays it). A crash after a receiver
answered and before the record commits sends the delivery again with the same
``Idempotency-Key`` (webhooks), which the receiver uses to settle the duplicate.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from opentelemetry.trace import Status, StatusCode
from wuyi_core import telemetry
from wuyi_core.db.port import AbstractConnection

from wuyi_notifier import metrics
from wuyi_notifier.adapters import deliveries, email, robots, sms, subscriptions, webhook
from wuyi_notifier.adapters.deliveries import CLAIM_LOCK, Due
from wuyi_notifier.adapters.subscriptions import Subscription
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.robots import RATE_PER_MINUTE
from wuyi_notifier.domain.sms import free_at, phone_number
from wuyi_notifier.domain.templates import message_for

DEAD_LETTERS = "notifier.deliveries"
ROBOTS = frozenset({"wecom", "dingtalk"})
MINUTE = timedelta(minutes=1)


async def send_due(notifier: Notifier) -> int:
    """Send every delivery due now; returns how many were attempted."""
    now = notifier.clock.now()
    lease = timedelta(seconds=notifier.settings.webhook_timeout_seconds + 60)
    async with notifier.db.transaction(lock=CLAIM_LOCK) as conn:
        claimed = await deliveries.claim_due(conn, now, lease, notifier.settings.send_batch)
        claimed = await _within_rate(conn, claimed, now)
        claimed = await _within_sms_limits(conn, claimed, now, notifier)
    await asyncio.gather(*(_attempt(notifier, due) for due in claimed))
    return len(claimed)


async def _within_rate(conn: AbstractConnection, claimed: list[Due], now: datetime) -> list[Due]:
    """Keep a robot's deliveries within its 20 a minute; queue the rest for when it frees."""
    kept: list[Due] = []
    recent: dict[str, list[datetime]] = {}
    for due in claimed:
        sid = due.subscription_id or ""
        if due.channel not in ROBOTS:
            kept.append(due)
            continue
        if sid not in recent:
            recent[sid] = await deliveries.recent_attempts(conn, sid, now - MINUTE)
        calls = recent[sid]
        if len(calls) < RATE_PER_MINUTE:
            calls.append(now)
            kept.append(due)
        else:
            await deliveries.defer(conn, due.id, calls[len(calls) - RATE_PER_MINUTE] + MINUTE)
    return kept


async def _within_sms_limits(
    conn: AbstractConnection, claimed: list[Due], now: datetime, notifier: Notifier
) -> list[Due]:
    """Keep each number within its per-minute, hour and day limits; queue the rest for when
    the first window frees (no attempt counted). Two workers may each send one within the
    same moment: the provider's own flow control (isv.BUSINESS_LIMIT_CONTROL) is retried."""
    limits = notifier.settings.sms_limits
    day = max(window for _, window in limits)
    kept: list[Due] = []
    sent: dict[str, list[datetime]] = {}
    for due in claimed:
        if due.channel != "sms":
            kept.append(due)
            continue
        number, times = await deliveries.sms_accepted_for(
            conn, due.subscription_id or "", now - day
        )
        accepted = sent.setdefault(number, times)
        later = free_at(accepted, now, limits)
        if later is None:
            accepted.append(now)
            kept.append(due)
        else:
            await deliveries.defer(conn, due.id, later)
    return kept


async def _attempt(notifier: Notifier, due: Due) -> None:
    async with notifier.db.read() as conn:
        sub = await subscriptions.get(conn, due.subscription_id or "")
    if sub is None or not sub.active:
        outcome = webhook.Outcome(False, 0, "subscription removed", final=True)
    else:
        outcome = await _traced_send(notifier, due, sub)
    await _settle(notifier, due, outcome)


async def _traced_send(notifier: Notifier, due: Due, sub: Subscription) -> webhook.Outcome:
    """The outgoing call as a client span in the trace of the event it tells of (the request
    that caused it, across the bus). Its attributes name the delivery, never the contact."""
    name = f"notifier.send {due.channel}"
    with telemetry.span(name, due.envelope.traceparent, telemetry.SpanKind.CLIENT) as span:
        span.set_attribute("wuyi.notifier.channel", due.channel)
        span.set_attribute("wuyi.notifier.delivery_id", due.id)
        span.set_attribute("wuyi.notifier.attempt", due.attempts + 1)
        span.set_attribute("cloudevents.event_id", due.envelope.id)
        span.set_attribute("cloudevents.event_type", due.envelope.type)
        outcome = await _send(notifier, due, sub)
        span.set_attribute("wuyi.notifier.outcome", "delivered" if outcome.ok else "failed")
        if not outcome.ok:
            span.set_status(Status(StatusCode.ERROR, outcome.error or ""))
        return outcome


async def _send(notifier: Notifier, due: Due, sub: Subscription) -> webhook.Outcome:
    now, timeout = notifier.clock.now(), notifier.settings.webhook_timeout_seconds
    if due.channel == "webhook":
        key = f"{due.envelope.id}:{sub.id}"
        stamp = int(now.timestamp())
        return await webhook.post(
            notifier.http(), sub.target, sub.secret, due.envelope, key, stamp, timeout
        )
    message = due.message or message_for(due.envelope.type, {"subject": due.envelope.subject})
    if due.channel == "sms":
        phone = phone_number(sub.target) or sub.target
        return await sms.send(notifier.http(), notifier.settings, phone, message, due.id, now)
    if due.channel == "email":
        mail = email.compose(message, sub.target, f"{due.envelope.id}.{sub.id}", notifier.settings)
        return await email.send(mail, notifier.settings)
    return await robots.post(
        notifier.http(),
        due.channel,
        sub.target,
        sub.secret,
        message,
        notifier.settings.dashboard_url,
        int(now.timestamp() * 1000),
        timeout,
    )


async def _settle(notifier: Notifier, due: Due, outcome: webhook.Outcome) -> None:
    now, policy = notifier.clock.now(), notifier.settings.retry
    metrics.attempt(due.channel, "delivered" if outcome.ok else "failed", outcome.latency_ms)
    async with notifier.db.transaction() as conn:
        if outcome.ok:
            await deliveries.attempted(conn, due, now, "delivered", outcome.latency_ms, None)
            return
        first = due.first_attempt_at or now
        if outcome.final or policy.gives_up(first, now):
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
