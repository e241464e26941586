"""The event store, written once against the database port and run on SQLite and PostgreSQL.

Appends are serialized by one named lock and take the next position as ``max + 1`` inside it, so
positions are dense and commit in order: a reader that has seen position N can never later find a
committed event below N. That is what lets the relay and the embedded bus follow the log by
position alone, without the gap trap of sequences under concurrent transactions.

Each event's hash is keyed with the keyring's current key (records.py); the keyring is held
outside the database and given by the deployment (``keyring``), the development keyring only
for tests and tools.

No event is appended that the bus could not carry: each event's envelope is measured against
``limits.max_event_bytes`` and a larger one is refused (413) before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from wuyi_core import telemetry
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.db.port import AbstractConnection, AbstractDatabase, Row
from wuyi_core.errors import ConcurrencyConflict, KeyTaken, TooLarge
from wuyi_core.eventstore import schema
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.eventstore.records import (
    GENESIS_HASH,
    EventMetadata,
    NewEvent,
    StoredEvent,
    canonical_json,
    chain_hash,
)
from wuyi_core.limits import max_event_bytes

APPEND_LOCK = "events:append"
ANY_VERSION = None


class EventStore:
    """A service's log. ``expected_version`` 0 means "the stream must not exist yet"."""

    def __init__(
        self,
        db: AbstractDatabase,
        clock: Clock | None = None,
        max_bytes: int | None = None,
        keyring: Keyring | None = None,
    ) -> None:
        self.db = db
        self.keyring = keyring or Keyring.development()
        self.clock = clock or SystemClock()
        self.max_bytes = max_bytes or max_event_bytes()
        self._listeners: list[Callable[[], None]] = []
        telemetry.configure()  # every process that writes events traces them

    async def migrate(self) -> None:
        await self.db.migrate(schema.ddl(self.db.dialect))
        async with self.db.transaction(lock="wuyi:migrate") as conn:
            rows = await conn.fetch(schema.columns_of_events(self.db.dialect))
            columns = {row["name"] for row in rows}
            if "key_id" not in columns:
                await conn.execute(schema.ADD_KEY_ID)

    def on_append(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after each committed append in this process (wakes followers)."""
        self._listeners.append(listener)

    async def append(
        self,
        tenant: str,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
        metadata: EventMetadata,
        *,
        claim: Sequence[tuple[str, str]] = (),
        release: Sequence[str] = (),
    ) -> list[StoredEvent]:
        """Append atomically; ``claim`` takes unique keys (key, field) for this stream and
        ``release`` gives keys back, both in the same transaction as the events."""
        async with self.db.transaction(lock=APPEND_LOCK) as conn:
            stored = await self.append_in(
                conn,
                tenant,
                stream_id,
                expected_version,
                events,
                metadata,
                claim=claim,
                release=release,
            )
        self.notify()
        return stored

    def notify(self) -> None:
        """Wake this process's followers (relay, embedded subscribers): call it after
        committing a transaction that used ``append_in``."""
        for listener in self._listeners:
            listener()

    async def append_in(
        self,
        conn: AbstractConnection,
        tenant: str,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
        metadata: EventMetadata,
        *,
        claim: Sequence[tuple[str, str]] = (),
        release: Sequence[str] = (),
    ) -> list[StoredEvent]:
        """Append inside the caller's transaction, so that the events commit together with the
        caller's other writes (a policy's processed-event record, a guard's reads). The caller
        calls ``notify`` once it has committed."""
        await conn.lock(APPEND_LOCK)
        version, prev_hash = await self._head_of(conn, tenant, stream_id)
        if expected_version is not None and expected_version != version:
            raise ConcurrencyConflict(stream_id, expected_version, version)
        await self._release(conn, tenant, stream_id, release)
        await self._claim(conn, tenant, stream_id, claim)
        position = int(await conn.fetchval("SELECT COALESCE(MAX(position), 0) FROM events"))
        stored = []
        recorded_at = self.clock.now()
        for offset, event in enumerate(events, start=1):
            record = _stored(
                tenant,
                stream_id,
                event,
                metadata,
                recorded_at,
                position + offset,
                version + offset,
                prev_hash,
                self.keyring,
            )
            self._check_size(record)
            await conn.execute(_INSERT, *_row(record))
            prev_hash = record.hash
            stored.append(record)
        return stored

    def _check_size(self, record: StoredEvent) -> None:
        envelope = record.envelope()
        size = len(envelope.kafka_value()) + len(envelope.subject.encode())
        size += sum(len(key.encode()) + len(value) for key, value in envelope.kafka_headers())
        if size > self.max_bytes:
            raise TooLarge(
                f"内容过大：该记录约 {size // 1024} KB，超过系统上限 {self.max_bytes // 1024} KB，"
                "请精简后重试",
                f"too large: this record is about {size // 1024} KB, above the limit of "
                f"{self.max_bytes // 1024} KB that the event bus carries; make it smaller",
            )

    async def read_stream(self, tenant: str, stream_id: str) -> list[StoredEvent]:
        async with self.db.read() as conn:
            return await read_stream(conn, tenant, stream_id)

    async def read_all(self, after: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Events of every tenant with a position above ``after``, in position order."""
        async with self.db.read() as conn:
            return await read_all(conn, after, limit)

    async def head(self) -> int:
        async with self.db.read() as conn:
            return int(await conn.fetchval("SELECT COALESCE(MAX(position), 0) FROM events"))

    async def _head_of(
        self, conn: AbstractConnection, tenant: str, stream_id: str
    ) -> tuple[int, str]:
        row = await conn.fetchrow(
            "SELECT tenant, stream_version, hash FROM events WHERE stream_id = $1 "
            "ORDER BY stream_version DESC LIMIT 1",
            stream_id,
        )
        if row is None:
            return 0, GENESIS_HASH
        if row["tenant"] != tenant:  # ids are global; a foreign tenant's stream is not ours
            raise ConcurrencyConflict(stream_id, 0, int(row["stream_version"]))
        return int(row["stream_version"]), str(row["hash"])

    async def _claim(
        self, conn: AbstractConnection, tenant: str, stream_id: str, keys: Sequence[tuple[str, str]]
    ) -> None:
        for key, field in keys:
            holder = await conn.fetchval(
                "SELECT stream_id FROM stream_keys WHERE tenant = $1 AND key = $2", tenant, key
            )
            if holder is not None and holder != stream_id:
                raise KeyTaken(key, holder, field)
            if holder is None:
                await conn.execute(
                    "INSERT INTO stream_keys (tenant, key, stream_id) VALUES ($1, $2, $3)",
                    tenant,
                    key,
                    stream_id,
                )

    async def _release(
        self, conn: AbstractConnection, tenant: str, stream_id: str, keys: Sequence[str]
    ) -> None:
        for key in keys:
            await conn.execute(
                "DELETE FROM stream_keys WHERE tenant = $1 AND key = $2 AND stream_id = $3",
                tenant,
                key,
                stream_id,
            )

    async def key_holder(self, tenant: str, key: str) -> str | None:
        async with self.db.read() as conn:
            holder = await conn.fetchval(
                "SELECT stream_id FROM stream_keys WHERE tenant = $1 AND key = $2", tenant, key
            )
        return None if holder is None else str(holder)


async def read_stream(conn: AbstractConnection, tenant: str, stream_id: str) -> list[StoredEvent]:
    rows = await conn.fetch(
        f"{_SELECT} WHERE tenant = $1 AND stream_id = $2 ORDER BY stream_version",
        tenant,
        stream_id,
    )
    return [_from_row(row) for row in rows]


async def read_event(conn: AbstractConnection, tenant: str, event_id: str) -> StoredEvent | None:
    """One event by its id, within the tenant (the audit view's link across services)."""
    row = await conn.fetchrow(f"{_SELECT} WHERE tenant = $1 AND event_id = $2", tenant, event_id)
    return None if row is None else _from_row(row)


async def read_all(conn: AbstractConnection, after: int, limit: int) -> list[StoredEvent]:
    rows = await conn.fetch(
        f"{_SELECT} WHERE position > $1 ORDER BY position LIMIT $2", after, limit
    )
    return [_from_row(row) for row in rows]


_COLUMNS = (
    "position, tenant, stream_id, stream_version, event_id, type, data, private, "
    "metadata, recorded_at, prev_hash, hash, key_id"
)
_SELECT = f"SELECT {_COLUMNS} FROM events"
_INSERT = f"INSERT INTO events ({_COLUMNS}) VALUES ({', '.join(f'${n}' for n in range(1, 14))})"


def _stored(
    tenant: str,
    stream_id: str,
    event: NewEvent,
    metadata: EventMetadata,
    recorded_at: datetime,
    position: int,
    version: int,
    prev_hash: str,
    keyring: Keyring,
) -> StoredEvent:
    # Round-trip the data through JSON so the hash covers exactly what is stored and read back.
    data = json.loads(event.data.model_dump_json())
    private = json.loads(canonical_json(event.private)) if event.private is not None else None
    draft = StoredEvent(
        position,
        tenant,
        stream_id,
        version,
        event.event_id,
        event.type,
        data,
        private,
        metadata,
        recorded_at,
        prev_hash,
        "",
        keyring.current,
    )
    return StoredEvent(**{**draft.__dict__, "hash": draft.content_hash(keyring)})


def _row(event: StoredEvent) -> tuple[Any, ...]:
    return (
        event.position,
        event.tenant,
        event.stream_id,
        event.stream_version,
        event.event_id,
        event.type,
        canonical_json(event.data),
        None if event.private is None else canonical_json(event.private),
        canonical_json(asdict(event.metadata)),
        event.recorded_at.isoformat(),
        event.prev_hash,
        event.hash,
        event.key_id,
    )


def _from_row(row: Row) -> StoredEvent:
    return StoredEvent(
        position=int(row["position"]),
        tenant=row["tenant"],
        stream_id=row["stream_id"],
        stream_version=int(row["stream_version"]),
        event_id=row["event_id"],
        type=row["type"],
        data=json.loads(row["data"]),
        private=None if row["private"] is None else json.loads(row["private"]),
        metadata=EventMetadata(**json.loads(row["metadata"])),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        key_id=row["key_id"],
    )


__all__ = ["ANY_VERSION", "APPEND_LOCK", "EventStore", "chain_hash", "read_all", "read_stream"]
