"""Revoked tokens (by ``jti``), as each service keeps them in its own database.

The registry records a revocation (``TokenRevoked``) together with its row here, in one
transaction; reporting and scoring receive the event with the rest of the registry's events and
add the row in their replica's transaction. A request's bearer token is looked up by primary key
on every authenticated request: one indexed read, and a revocation takes effect the moment it
reaches the service's database, with no cache to go stale. Rows are forgotten once the token
they name would have expired anyway, so the table stays as small as the tokens alive.
"""

from __future__ import annotations

from datetime import UTC, datetime

from wuyi_core.db.port import AbstractConnection, AbstractDatabase

DDL = [
    """CREATE TABLE IF NOT EXISTS revoked_tokens (
        tenant TEXT NOT NULL, jti TEXT NOT NULL, expires_at TEXT NOT NULL,
        PRIMARY KEY (tenant, jti))""",
]


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


async def record(
    conn: AbstractConnection, tenant: str, jti: str, expires_at: datetime, now: datetime
) -> None:
    """Remember a revocation (idempotent) and forget those whose tokens have expired."""
    await conn.execute("DELETE FROM revoked_tokens WHERE expires_at < $1", _utc(now))
    await conn.execute(
        "INSERT INTO revoked_tokens (tenant, jti, expires_at) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant, jti) DO NOTHING",
        tenant,
        jti,
        _utc(expires_at),
    )


async def is_revoked(db: AbstractDatabase, tenant: str, jti: str) -> bool:
    async with db.read() as conn:
        found = await conn.fetchval(
            "SELECT 1 FROM revoked_tokens WHERE tenant = $1 AND jti = $2", tenant, jti
        )
    return found is not None
