"""Escalations waiting out their grace period (催办升级): one row per missed report."""

from __future__ import annotations

from datetime import datetime

from wuyi_contracts.envelope import Envelope
from wuyi_core.db.port import AbstractConnection


async def schedule(conn: AbstractConnection, envelope: Envelope, due_at: datetime) -> None:
    parent = envelope.data.get("parent_grid_id")
    if not parent:
        return
    await conn.execute(
        "INSERT INTO escalations (event_id, tenant, grid_id, parent_grid_id, day, due_at,"
        " envelope, done) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)"
        " ON CONFLICT (event_id) DO NOTHING",
        envelope.id,
        envelope.tenant,
        envelope.data["grid_id"],
        parent,
        envelope.data["date"],
        due_at.isoformat(),
        envelope.model_dump_json(),
    )


async def due(conn: AbstractConnection, now: datetime, limit: int = 500) -> list[Envelope]:
    rows = await conn.fetch(
        "SELECT envelope FROM escalations WHERE done = 0 AND due_at <= $1"
        " ORDER BY due_at, event_id LIMIT $2",
        now.isoformat(),
        limit,
    )
    return [Envelope.model_validate_json(row["envelope"]) for row in rows]


async def close(conn: AbstractConnection, event_id: str) -> None:
    await conn.execute("UPDATE escalations SET done = 1 WHERE event_id = $1", event_id)
