"""Deliveries (投递记录): one row per (event, recipient, channel), and every attempt.

The row is written in the consumer's transaction together with the processed event id, so a
redelivered event finds it and nothing is sent twice. A sender claims due rows under a lock by
moving their ``next_at`` past its lease, so two workers never send the same row at once.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from wuyi_contracts.envelope import Envelope
from wuyi_core.db.port import AbstractConnection, Row

from wuyi_notifier.domain.templates import Message

CLAIM_LOCK = "notifier.deliveries.claim"


@dataclass(frozen=True)
class Due:
    id: str
    recipient: str
    channel: str
    subscription_id: str | None
    attempts: int
    created_at: datetime
    first_attempt_at: datetime | None
    envelope: Envelope
    message: Message | None


async def record(
    conn: AbstractConnection,
    envelope: Envelope,
    recipient: str,
    channel: str,
    at: datetime,
    subscription_id: str | None = None,
    delivered: bool = False,
    message: Message | None = None,
) -> None:
    """Record the delivery once; an inbox delivery is done when written, others are pending."""
    await conn.execute(
        "INSERT INTO deliveries (id, tenant, event_id, event_type, recipient, channel,"
        " subscription_id, status, attempts, next_at, created_at, first_attempt_at,"
        " delivered_at, envelope, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
        " $10, $11, $11, $12, $13) ON CONFLICT (event_id, recipient, channel) DO NOTHING",
        str(uuid.uuid4()),
        envelope.tenant,
        envelope.id,
        envelope.type,
        recipient,
        channel,
        subscription_id,
        "delivered" if delivered else "pending",
        1 if delivered else 0,
        at.isoformat(),
        at.isoformat() if delivered else None,
        envelope.model_dump_json(),
        None if message is None else json.dumps(asdict(message), ensure_ascii=False),
    )


async def claim_due(
    conn: AbstractConnection, now: datetime, lease: timedelta, limit: int
) -> list[Due]:
    """Take up to ``limit`` pending deliveries that are due; hold the caller's lock."""
    rows = await conn.fetch(
        "SELECT * FROM deliveries WHERE status = 'pending' AND next_at <= $1"
        " ORDER BY next_at, id LIMIT $2",
        now.isoformat(),
        limit,
    )
    held = (now + lease).isoformat()
    for row in rows:
        await conn.execute("UPDATE deliveries SET next_at = $1 WHERE id = $2", held, row["id"])
    return [_due(row) for row in rows]


def _due(row: Row) -> Due:
    first = row["first_attempt_at"]
    return Due(
        row["id"],
        row["recipient"],
        row["channel"],
        row["subscription_id"],
        row["attempts"],
        datetime.fromisoformat(row["created_at"]),
        None if first is None else datetime.fromisoformat(first),
        Envelope.model_validate_json(row["envelope"]),
        None if row["message"] is None else Message(**json.loads(row["message"])),
    )


async def defer(conn: AbstractConnection, delivery_id: str, until: datetime) -> None:
    """Queue a delivery for later without counting an attempt (a robot's rate limit)."""
    await conn.execute(
        "UPDATE deliveries SET next_at = $1 WHERE id = $2", until.isoformat(), delivery_id
    )


async def recent_attempts(
    conn: AbstractConnection, subscription_id: str, since: datetime
) -> list[datetime]:
    """When the subscription's target was called since ``since``, oldest first."""
    rows = await conn.fetch(
        "SELECT a.at FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
        " WHERE d.subscription_id = $1 AND a.at > $2 ORDER BY a.at",
        subscription_id,
        since.isoformat(),
    )
    return [datetime.fromisoformat(row["at"]) for row in rows]


async def sms_accepted_for(
    conn: AbstractConnection, subscription_id: str, since: datetime
) -> tuple[str, list[datetime]]:
    """The number a subscription texts, and when the provider accepted a message to that
    number (through any subscription) since ``since``, oldest first."""
    target = await conn.fetchval("SELECT target FROM subscriptions WHERE id = $1", subscription_id)
    rows = await conn.fetch(
        "SELECT a.at FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id"
        " JOIN subscriptions s ON s.id = d.subscription_id WHERE d.channel = 'sms'"
        " AND a.status = 'delivered' AND s.target = $1 AND a.at > $2 ORDER BY a.at",
        target,
        since.isoformat(),
    )
    return str(target or ""), [datetime.fromisoformat(row["at"]) for row in rows]


async def attempted(
    conn: AbstractConnection,
    due: Due,
    at: datetime,
    status: str,
    latency_ms: int,
    error: str | None,
    next_at: datetime | None = None,
) -> None:
    """Record one attempt and the delivery's new state: delivered, pending again (``next_at``)
    or dead."""
    attempt = due.attempts + 1
    await conn.execute(
        "INSERT INTO delivery_attempts (delivery_id, attempt, at, status, latency_ms, error)"
        " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id, attempt) DO NOTHING",
        due.id,
        attempt,
        at.isoformat(),
        "delivered" if status == "delivered" else "failed",
        latency_ms,
        error,
    )
    await conn.execute(
        "UPDATE deliveries SET status = $1, attempts = $2, next_at = $3, last_error = $4,"
        " first_attempt_at = COALESCE(first_attempt_at, $5),"
        " delivered_at = CASE WHEN $1 = 'delivered' THEN $5 ELSE delivered_at END"
        " WHERE id = $6",
        status,
        attempt,
        (next_at or at).isoformat(),
        error,
        at.isoformat(),
        due.id,
    )


async def requeue_dead(conn: AbstractConnection, event_id: str, at: datetime) -> None:
    """Replay of a dead letter: its dead deliveries start over, with a fresh horizon."""
    await conn.execute(
        "UPDATE deliveries SET status = 'pending', next_at = $1, first_attempt_at = NULL"
        " WHERE event_id = $2 AND status = 'dead'",
        at.isoformat(),
        event_id,
    )


async def listed(
    conn: AbstractConnection,
    tenant: str,
    subscription_id: str | None,
    status: str | None,
    limit: int,
) -> list[Row]:
    return await conn.fetch(
        "SELECT d.*, s.target FROM deliveries d LEFT JOIN subscriptions s"
        " ON s.id = d.subscription_id WHERE d.tenant = $1"
        " AND (CAST($2 AS TEXT) IS NULL OR d.subscription_id = $2)"
        " AND (CAST($3 AS TEXT) IS NULL OR d.status = $3)"
        " ORDER BY d.created_at DESC, d.id LIMIT $4",
        tenant,
        subscription_id,
        status,
        limit,
    )


async def attempts_of(conn: AbstractConnection, delivery_ids: list[str]) -> list[Row]:
    if not delivery_ids:
        return []
    marks = ", ".join(f"${n}" for n in range(1, len(delivery_ids) + 1))
    return await conn.fetch(
        f"SELECT * FROM delivery_attempts WHERE delivery_id IN ({marks})"
        " ORDER BY delivery_id, attempt",
        *delivery_ids,
    )
