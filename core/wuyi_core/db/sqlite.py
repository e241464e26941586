"""SQLite adapter for the embedded mode: one file per service in the data folder.

One connection per process, every operation serialized by an asyncio lock (SQLite allows one
writer anyway); ``BEGIN IMMEDIATE`` takes the file's write lock at the start of a transaction, so
writes from another process (a CLI import while ``wuyi up`` runs) queue instead of interleaving.
WAL keeps readers unblocked and commits durable across a killed process.

Cancellation: aiosqlite runs each statement in its own thread, and cancelling the awaiting task
does not stop the statement. A task cancelled while its ``BEGIN IMMEDIATE`` waits for another
process's lock would leave the connection inside a transaction once the BEGIN went through, and
every later write would fail. So BEGIN, COMMIT and ROLLBACK always run to their end
(``settled``), and a transaction whose BEGIN completed is rolled back if it is not committed.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from wuyi_core.db.errors import sqlite_lost
from wuyi_core.db.port import AbstractConnection, AbstractDatabase, Row
from wuyi_core.settled import settled

_PLACEHOLDER = re.compile(r"\$(\d+)")


def _sql(sql: str) -> str:
    return _PLACEHOLDER.sub(r"?\1", sql)


class SQLiteConnection(AbstractConnection):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, *args: Any) -> None:
        await self._conn.execute(_sql(sql), args)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._conn.executemany(_sql(sql), rows)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        async with self._conn.execute(_sql(sql), args) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def lock(self, name: str, *, shared: bool = False) -> None:
        """Implied: a transaction already holds the file's write lock."""


class SQLiteDatabase(AbstractDatabase):
    dialect = "sqlite"

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> SQLiteDatabase:
        conn = await aiosqlite.connect(str(path), isolation_level=None, timeout=60)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA busy_timeout=60000")
        await conn.execute("PRAGMA foreign_keys=ON")
        return cls(conn)

    @asynccontextmanager
    async def transaction(self, lock: str | None = None) -> AsyncIterator[AbstractConnection]:
        # The file-level write lock already serializes every writer, so named locks are implied.
        async with self._lock:
            await settled(self._conn.execute("BEGIN IMMEDIATE"), undo=self._rollback)
            try:
                yield SQLiteConnection(self._conn)
            except BaseException:
                await settled(self._rollback())
                raise
            try:
                await settled(self._conn.execute("COMMIT"))
            except BaseException:
                if self._conn.in_transaction:  # the COMMIT itself failed (disk, I/O)
                    await settled(self._rollback())
                raise

    async def _rollback(self) -> None:
        if self._conn.in_transaction:
            await self._conn.execute("ROLLBACK")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AbstractConnection]:
        async with self._lock:
            yield SQLiteConnection(self._conn)

    async def close(self) -> None:
        await self._conn.close()

    def lost(self, err: BaseException) -> bool:
        return sqlite_lost(err)
