"""Subscriptions (订阅): a channel, a target, event types and an entity scope, per tenant.

The target (a webhook or robot URL) is a contact: it lives here only and never travels on a
topic. The secret signs webhook calls (made here, shown once, at creation) or a DingTalk robot's
URL (the robot's own, given by the county admin); robots without signing have none.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from wuyi_core.db.port import AbstractConnection, Row


@dataclass(frozen=True)
class Subscription:
    id: str
    tenant: str
    channel: str
    target: str
    event_types: list[str]
    scope_id: str | None
    secret: str
    created_at: str
    active: bool


def _from_row(row: Row) -> Subscription:
    return Subscription(
        row["id"],
        row["tenant"],
        row["channel"],
        row["target"],
        json.loads(row["event_types"]),
        row["scope_id"],
        row["secret"],
        row["created_at"],
        bool(row["active"]),
    )


async def add(
    conn: AbstractConnection,
    tenant: str,
    channel: str,
    target: str,
    event_types: list[str],
    scope_id: str | None,
    created_by: str,
    at: datetime,
    secret: str | None = None,
) -> Subscription:
    """``secret``: given for a DingTalk robot (its own); made here for a webhook."""
    if channel == "webhook":
        secret = secrets.token_urlsafe(32)
    sid, secret = str(uuid.uuid4()), secret or ""
    await conn.execute(
        "INSERT INTO subscriptions (id, tenant, channel, target, event_types, scope_id, secret,"
        " created_by, created_at, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
        sid,
        tenant,
        channel,
        target,
        json.dumps(event_types),
        scope_id,
        secret,
        created_by,
        at.isoformat(),
    )
    return Subscription(
        sid, tenant, channel, target, event_types, scope_id, secret, at.isoformat(), True
    )


async def active(conn: AbstractConnection, tenant: str) -> list[Subscription]:
    rows = await conn.fetch(
        "SELECT * FROM subscriptions WHERE tenant = $1 AND active = 1 ORDER BY created_at, id",
        tenant,
    )
    return [_from_row(row) for row in rows]


async def listed(conn: AbstractConnection, tenant: str) -> list[Subscription]:
    rows = await conn.fetch(
        "SELECT * FROM subscriptions WHERE tenant = $1 ORDER BY created_at, id", tenant
    )
    return [_from_row(row) for row in rows]


async def get(conn: AbstractConnection, sid: str) -> Subscription | None:
    row = await conn.fetchrow("SELECT * FROM subscriptions WHERE id = $1", sid)
    return None if row is None else _from_row(row)


async def deactivate(conn: AbstractConnection, tenant: str, sid: str) -> None:
    await conn.execute(
        "UPDATE subscriptions SET active = 0 WHERE tenant = $1 AND id = $2", tenant, sid
    )
