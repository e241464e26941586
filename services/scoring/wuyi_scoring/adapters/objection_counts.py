"""Objection rate counters in scoring's database, shared by every API replica: a count per key
(a client digest, an application) and hourly window, taken in the filing's transaction, so a
refused filing counts nothing and concurrent filings serialize on the row."""

from __future__ import annotations

from wuyi_core.db.port import AbstractConnection

DDL = [
    """CREATE TABLE IF NOT EXISTS objection_counts (
        key TEXT NOT NULL, window_key TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (key, window_key))""",
]


async def take(conn: AbstractConnection, key: str, window_key: str) -> int:
    """Count one more under ``key`` in this window; returns the count including it. Counts of
    other windows are dropped: only the current one is ever asked for."""
    await conn.execute("DELETE FROM objection_counts WHERE window_key <> $1", window_key)
    count = await conn.fetchval(
        "INSERT INTO objection_counts (key, window_key, count) VALUES ($1, $2, 1)"
        " ON CONFLICT (key, window_key) DO UPDATE SET count = objection_counts.count + 1"
        " RETURNING count",
        key,
        window_key,
    )
    return int(count)
