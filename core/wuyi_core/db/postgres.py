"""PostgreSQL adapter (asyncpg) for the distributed mode: one schema per service.

Named locks are transaction-scoped advisory locks, so replicas of a service serialize on them
without a lock table, and a crashed holder releases its lock with its connection.

Every write transaction first takes the schema's *writer gate*, a shared advisory lock
(``WRITER_GATE``, keyed by the schema) that no one takes exclusively, so it never waits: it only
marks the backend as "may write this schema" from before the transaction holds an id until it
ends. The event store's followers read that mark to compute a follow horizon of their own
schema's writers only (``wuyi_core.eventstore.store``), so a long transaction of another service
or tenant database holds none of them back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from wuyi_core.db.errors import postgres_lost
from wuyi_core.db.port import AbstractConnection, AbstractDatabase, Row

# The writer gate's first key (advisory lock class): "WY". The second is hashtext(schema).
WRITER_GATE = 22361
_GATE = f"pg_advisory_xact_lock_shared({WRITER_GATE}, hashtext(current_schema()))"


class PostgresConnection(AbstractConnection):
    dialect = "postgres"

    def __init__(self, conn: asyncpg.Connection, schema: str) -> None:
        self._conn = conn
        self._schema = schema

    async def execute(self, sql: str, *args: Any) -> None:
        await self._conn.execute(sql, *args)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(record) for record in await self._conn.fetch(sql, *args)]

    async def lock(self, name: str, *, shared: bool = False) -> None:
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        await self._conn.execute(f"SELECT {function}(hashtext($1))", f"{self._schema}:{name}")


class PostgresDatabase(AbstractDatabase):
    dialect = "postgres"

    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool = pool
        self.schema = schema

    @classmethod
    async def open(cls, url: str, schema: str, *, max_size: int = 10) -> PostgresDatabase:
        """Connect with ``search_path`` set to the service's own schema, creating it if needed."""
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("SELECT pg_advisory_lock(hashtext('wuyi:schema'))")
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        finally:
            await conn.close()
        # A short connect timeout: during an outage callers learn it in seconds (503, or a
        # consumer that waits) instead of hanging for asyncpg's default minute.
        pool = await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=max_size,
            timeout=5,
            server_settings={"search_path": schema},
        )
        return cls(pool, schema)

    @asynccontextmanager
    async def transaction(self, lock: str | None = None) -> AsyncIterator[AbstractConnection]:
        async with self._pool.acquire() as conn, conn.transaction():
            # The gate before anything else (module docstring), with the named lock in one trip.
            if lock is None:
                await conn.execute(f"SELECT {_GATE}")
            else:
                await conn.execute(
                    f"SELECT {_GATE}, pg_advisory_xact_lock(hashtext($1))", f"{self.schema}:{lock}"
                )
            yield PostgresConnection(conn, self.schema)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AbstractConnection]:
        async with self._pool.acquire() as conn:
            yield PostgresConnection(conn, self.schema)

    async def close(self) -> None:
        await self._pool.close()

    def lost(self, err: BaseException) -> bool:
        return postgres_lost(err)
