"""Which exceptions mean "the database is out of reach", walked through their causes.

Each adapter's ``lost`` uses these. Consumers wait out such an outage instead of parking the
event (an outage is not a poison event), and the HTTP layer answers 503 with ``Retry-After``
instead of 500.
"""

from __future__ import annotations

import sqlite3

import asyncpg

_POSTGRES_LOST: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable (ConnectionError is one)
    TimeoutError,
    asyncpg.PostgresConnectionError,  # class 08: connection does not exist, failure
    asyncpg.CannotConnectNowError,  # 57P03: starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01: terminated by a fast or immediate shutdown
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,
)


def _chain(err: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def postgres_lost(err: BaseException) -> bool:
    for link in _chain(err):
        if isinstance(link, _POSTGRES_LOST):
            return True
        if isinstance(link, asyncpg.InterfaceError) and "closed" in str(link):
            return True  # "connection is closed": the server went away under the pool
        if isinstance(link, asyncpg.InternalClientError):
            return True  # a protocol state broken by a connection that died mid-query
    return False


def sqlite_lost(err: BaseException) -> bool:
    """Another process holds the file's write lock past the busy timeout; nothing else about
    a local file is worth waiting for."""
    return any(
        isinstance(link, sqlite3.OperationalError) and "locked" in str(link) for link in _chain(err)
    )


def unique_violation(err: BaseException, columns: str) -> bool:
    """Whether ``err`` is a unique constraint refusing a row, on a constraint that names
    ``columns`` (PostgreSQL's constraint name, SQLite's message)."""
    for link in _chain(err):
        if isinstance(link, asyncpg.UniqueViolationError):
            return columns in (link.constraint_name or "") or columns in str(link)
        if isinstance(link, sqlite3.IntegrityError) and "UNIQUE" in str(link):
            return columns in str(link)
    return False
