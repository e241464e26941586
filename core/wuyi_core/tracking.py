"""Durable progress of followers: checkpoints, processed event ids, parked (dead) events."""

from __future__ import annotations

from wuyi_core.db.port import AbstractConnection

DDL = [
    "CREATE TABLE IF NOT EXISTS checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS processed_events (
        consumer TEXT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (consumer, event_id))""",
    """CREATE TABLE IF NOT EXISTS dead_letters (
        consumer TEXT NOT NULL, event_id TEXT NOT NULL, envelope TEXT NOT NULL,
        error TEXT NOT NULL, attempts INTEGER NOT NULL, parked_at TEXT NOT NULL,
        PRIMARY KEY (consumer, event_id))""",
]


async def get_checkpoint(conn: AbstractConnection, name: str, default: int = 0) -> int:
    value = await conn.fetchval("SELECT position FROM checkpoints WHERE name = $1", name)
    return default if value is None else int(value)


async def set_checkpoint(conn: AbstractConnection, name: str, position: int) -> None:
    await conn.execute(
        "INSERT INTO checkpoints (name, position) VALUES ($1, $2) "
        "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        name,
        position,
    )
