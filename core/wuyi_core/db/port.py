"""The database port: one small async interface that the SQLite and PostgreSQL adapters share.

SQL is written once, in PostgreSQL's ``$1`` placeholder style and in the subset of SQL both
engines speak (TEXT for JSON and times, BIGINT, ON CONFLICT, RETURNING). Only DDL that must
differ (triggers, locks) asks for ``dialect``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal

Row = dict[str, Any]
Dialect = Literal["sqlite", "postgres"]


class AbstractConnection(ABC):
    """A connection inside one transaction (or one read)."""

    dialect: Dialect

    @abstractmethod
    async def execute(self, sql: str, *args: Any) -> None: ...

    @abstractmethod
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    @abstractmethod
    async def lock(self, name: str, *, shared: bool = False) -> None:
        """Take the named lock for the rest of this transaction (as ``transaction(lock=)``
        does at its start), to widen a transaction that already holds another lock.
        ``shared``: holders of the shared lock do not exclude each other, only the exclusive
        holder (e.g. a projection's units of work against its generation swap)."""

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, *args: Any) -> Any:
        row = await self.fetchrow(sql, *args)
        return None if row is None else next(iter(row.values()))


class AbstractDatabase(ABC):
    """A service's own database. Promises: ``transaction`` is atomic and, given a lock name,
    serialized against every other transaction taking the same lock, in any process."""

    dialect: Dialect

    @abstractmethod
    def transaction(
        self, lock: str | None = None
    ) -> AbstractAsyncContextManager[AbstractConnection]:
        """A write transaction; commits on normal exit, rolls back on an exception."""

    @abstractmethod
    def read(self) -> AbstractAsyncContextManager[AbstractConnection]:
        """A connection for reads that need no transaction."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def lost(self, err: BaseException) -> bool:
        """Whether ``err`` says the database was out of reach (connection refused or dropped,
        server shutting down), as opposed to a statement that failed on a working database."""

    async def available(self) -> bool:
        """Whether the database answers a trivial query now."""
        try:
            async with self.read() as conn:
                await conn.fetchval("SELECT 1")
        except Exception as err:
            if self.lost(err):
                return False
            raise
        return True

    async def migrate(self, statements: Sequence[str]) -> None:
        """Run idempotent DDL (``IF NOT EXISTS``), serialized across replicas."""
        async with self.transaction(lock="wuyi:migrate") as conn:
            for statement in statements:
                await conn.execute(statement)
