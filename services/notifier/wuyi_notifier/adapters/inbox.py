"""In-app inbox (站内消息): messages to mailboxes, read state per reader."""

from __future__ import annotations

import uuid
from datetime import datetime

from wuyi_core.db.port import AbstractConnection, Row

from wuyi_notifier.domain.templates import Message


async def put(
    conn: AbstractConnection,
    tenant: str,
    role: str,
    scope_id: str,
    event_id: str,
    event_type: str,
    message: Message,
    at: datetime,
) -> None:
    """File the message once per (event, mailbox): a second delivery changes nothing."""
    await conn.execute(
        "INSERT INTO inbox_items (id, tenant, role, scope_id, event_id, event_type, title_zh,"
        " title_en, body_zh, body_en, link, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
        " $9, $10, $11, $12) ON CONFLICT (event_id, role, scope_id) DO NOTHING",
        str(uuid.uuid4()),
        tenant,
        role,
        scope_id,
        event_id,
        event_type,
        message.title_zh,
        message.title_en,
        message.body_zh,
        message.body_en,
        message.link,
        at.isoformat(),
    )


def _box(scope_id: str | None, prefix: str = "") -> tuple[str, list[str]]:
    """The mailbox filter: a scoped reader reads its scope's box; an unscoped county reader
    reads every box of its role in the tenant."""
    where = f"{prefix}tenant = $1 AND {prefix}role = $2"
    if scope_id is None:
        return where, []
    return f"{where} AND {prefix}scope_id = $3", [scope_id]


async def items(
    conn: AbstractConnection,
    tenant: str,
    role: str,
    scope_id: str | None,
    sub: str,
    unread_only: bool,
    limit: int,
) -> list[Row]:
    where, extra = _box(scope_id, "i.")
    n = 3 + len(extra)
    unread = " AND r.item_id IS NULL" if unread_only else ""
    return await conn.fetch(
        f"SELECT i.*, r.read_at FROM inbox_items i LEFT JOIN inbox_reads r"
        f" ON r.item_id = i.id AND r.sub = ${n}"
        f" WHERE {where}{unread}"
        f" ORDER BY i.created_at DESC, i.id LIMIT ${n + 1}",
        tenant,
        role,
        *extra,
        sub,
        limit,
    )


async def item(
    conn: AbstractConnection, tenant: str, role: str, scope_id: str | None, item_id: str
) -> Row | None:
    where, extra = _box(scope_id)
    n = 3 + len(extra)
    return await conn.fetchrow(
        f"SELECT * FROM inbox_items WHERE {where} AND id = ${n}", tenant, role, *extra, item_id
    )


async def mark_read(conn: AbstractConnection, item_id: str, sub: str, at: datetime) -> None:
    await conn.execute(
        "INSERT INTO inbox_reads (item_id, sub, read_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (item_id, sub) DO NOTHING",
        item_id,
        sub,
        at.isoformat(),
    )


async def public_items(conn: AbstractConnection, tenant: str, limit: int) -> list[Row]:
    return await conn.fetch(
        "SELECT * FROM inbox_items WHERE tenant = $1 AND role = 'public'"
        " ORDER BY created_at DESC, id LIMIT $2",
        tenant,
        limit,
    )
