"""The event store, written once against the database port and run on SQLite and PostgreSQL.

Appends take no global lock. What keeps the log sound under concurrent writers:

- a stream's order: ``UNIQUE (stream_id, stream_version)``. A writer reads the stream's head
  (outside any lock), checks the expected version and inserts the next versions; of two writers
  that read the same head, the second one's insert waits for the first to commit and is then
  refused by the constraint, which ``append`` turns into ``ConcurrencyConflict`` (409). An
  append with ``ANY_VERSION`` retries from a savepoint instead.
- unique keys (``stream_keys``): their primary key; ``INSERT .. ON CONFLICT DO NOTHING`` waits
  for a concurrent claim to settle, and the holder read afterwards decides (``KeyTaken``).
- positions: unique, from a sequence on PostgreSQL (``events_position_seq``), so they may have
  gaps (a rolled-back append burns its numbers) and are NOT in commit order: a transaction that
  drew position 5 can commit after one that drew 6.
- a stream's order in commit order: transaction ids are handed out when a transaction first
  writes, not when it commits, so a transaction that wrote something earlier holds an id lower
  than that of a stream head committed since. Appending there would put its version before the
  head's in the order followers read; the head read refuses it (``Overtaken``, a
  ``ConcurrencyConflict``: the caller retries in a new transaction).

Followers (``read_all``: the relay, the embedded bus, projections, audit checkpoints) therefore
read in commit order, not position order. Each event records the id of the transaction that
appended it (``transaction_id``, ``pg_current_xact_id()``), and a follower reads

    events with (transaction_id, position) > the cursor event's (transaction_id, position)
    and transaction_id < the horizon
    in (transaction_id, position) order

The horizon is the oldest transaction that may still commit an event of this store. Emmett's
PostgreSQL store takes ``pg_snapshot_xmin(pg_current_snapshot())``, the oldest transaction of
the whole cluster still running; that lets one long transaction of any other service or database
hold every follower back. Here every write transaction of a schema first takes that schema's
writer gate (a shared advisory lock, ``wuyi_core.db.postgres``) before it can hold an id, and
the horizon is computed in two steps: first one read of the lock table (``_OTHERS``) lists
the transactions running in a backend without this schema's gate; then the follow statement
itself, in its own snapshot (taken after that read), takes the snapshot's running ids less those,
the lowest left, else the snapshot's ``xmax``. An id left out was held, before the snapshot, by
a backend that had not taken the gate when its transaction began, so it never appends here; an
id that started after the lock read is kept as a bound. The order matters: with the lock table
read after the snapshot, a transaction that ended in between could not be placed and had to
bound the horizon, so the horizon could fall back below an event already settled, and a report
answered 404 right after its own append. Below the horizon every writer of this store has ended
and none can join; a transaction that commits later has an id at or above it and sorts after
everything read so far. The cursor stays one integer (the last event's position, as every
follower already stores it): the event at that position gives the transaction id it stands for.
Marten's high-water-mark daemon instead waits for gaps in its sequence to fill and skips them
after a timeout, which can pass over a slow transaction (docs/architecture-notes.md). The price:
an open write transaction of this schema holds its followers back until it ends, so write
transactions stay short. ``append`` waits after its commit until the horizon passes its own
transaction (``settle``), so that a caller catching a projection up next reads its own write.

A store that serializes tenants (``serialize_tenants``: scoring, the registry) adds one thing:
every append takes its tenant's lock (``lock_tenant``, a transaction lock named
``events:append:{tenant}``), and a unit of work takes it before its first write and holds it to
commit. Positions still come from the sequence and followers still read in commit order, but
within a tenant the writers run one at a time, so a tenant's positions are in its commit order,
and a unit of work holding the lock sees every committed event of its tenant and none in
flight: it can bring a projection's part for the tenant current by position
(``Projector.catch_up_tenant_in``) while other tenants' units of work run. Their rules are
all within a tenant; one global lock (the mode this replaced) queued every tenant behind one.

On SQLite a transaction already holds the file's write lock (``BEGIN IMMEDIATE``), so there is
one writer: positions stay ``max + 1``, dense and in commit order, ``transaction_id`` is 0 and
``read_all`` reads by position, as before.

Each event's hash is keyed with the keyring's current key (records.py); the keyring is held
outside the database and given by the deployment (``keyring``), the development keyring only
for tests and tools.

No event is appended that the bus could not carry: each event's envelope is measured against
``limits.max_event_bytes`` and a larger one is refused (413) before anything is written.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any, Literal

from wuyi_core import telemetry
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.db.errors import unique_violation
from wuyi_core.db.port import AbstractConnection, AbstractDatabase, Row
from wuyi_core.db.postgres import WRITER_GATE
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

log = logging.getLogger(__name__)

Ordering = Literal["position", "commit"]
ANY_VERSION = None
_ANY_VERSION_ATTEMPTS = 20
SETTLE_TIMEOUT = 5.0
_WIDEST_POSITION = 2**63 - 1


class Overtaken(ConcurrencyConflict):
    """The stream's head was appended by a transaction with a higher id than the caller's:
    retrying inside the same transaction cannot help (module docstring)."""


class EventStore:
    """A service's log. ``expected_version`` 0 means "the stream must not exist yet"."""

    def __init__(
        self,
        db: AbstractDatabase,
        clock: Clock | None = None,
        max_bytes: int | None = None,
        keyring: Keyring | None = None,
        *,
        serialize_tenants: bool = False,
    ) -> None:
        self.db = db
        # ``serialize_tenants``: every append takes its tenant's lock (``lock_tenant``), so that
        # a unit of work holding it sees all of its tenant's committed events and none in flight
        # (scoring, the registry; module docstring).
        self.serialize_tenants = serialize_tenants
        self.ordering: Ordering = "position" if db.dialect == "sqlite" else "commit"
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
            if "transaction_id" not in columns:
                await conn.execute(schema.ADD_TRANSACTION_ID)
            for statement in schema.ordering(self.db.dialect):
                await conn.execute(statement)

    @property
    def dense(self) -> bool:
        """Whether positions are dense (SQLite's single writer); on PostgreSQL a rolled-back
        append leaves a gap."""
        return self.ordering == "position"

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
        lock = tenant_lock(tenant) if self.serialize_tenants else None
        async with self.db.transaction(lock=lock) as conn:
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
        await self.committed(stored[-1].transaction_id if stored else 0)
        return stored

    async def committed(self, transaction_id: int) -> None:
        """After a commit: wake this process's followers and, if the transaction appended on
        PostgreSQL (a ``transaction_id``; 0 on SQLite or when nothing was appended), wait until
        they can read it (``settle``)."""
        self.notify()
        if transaction_id:
            await self.settle(transaction_id)

    async def settle(self, transaction_id: int, timeout: float = SETTLE_TIMEOUT) -> bool:
        """Wait until followers can read the events of ``transaction_id`` (committed): until no
        writer of this store that began before it is still running. ``append`` does, so that a
        caller that catches a projection up next reads its own write, as when appends were
        serialized.
        The wait is as long as the transactions that overlap it, milliseconds when writers keep
        their transactions short; after ``timeout`` it gives up (the followers still get the
        events, later) and returns False."""
        delay, waited = 0.0002, 0.0
        async with self.db.read() as conn:
            while not await conn.fetchval(_SETTLED, transaction_id, await _others(conn)):
                if waited >= timeout:
                    log.warning(
                        "append settle: transaction %s still above the follow horizon after "
                        "%.1f s; an older write transaction of this schema is still open",
                        transaction_id,
                        timeout,
                    )
                    return False
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, 0.002)
        return True

    async def lock_tenant(self, conn: AbstractConnection, tenant: str) -> None:
        """Take ``tenant``'s append lock for the rest of the caller's transaction. A unit of work
        takes it before its first write: from then on no other writer of the tenant runs, and
        its own transaction id is drawn after every earlier writer of the tenant committed."""
        await conn.lock(tenant_lock(tenant))

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
        calls ``notify`` once it has committed.

        No lock: the stream's version is checked here and enforced by the unique constraint
        at the insert (module docstring). With ``ANY_VERSION`` a lost race is retried from a
        savepoint; with an expected version it is a ``ConcurrencyConflict``."""
        if self.serialize_tenants:  # held already by a unit of work (advisory locks stack)
            await self.lock_tenant(conn, tenant)
        if expected_version is not None:
            return await self._append_once(
                conn, tenant, stream_id, expected_version, events, metadata, claim, release
            )
        for _ in range(_ANY_VERSION_ATTEMPTS - 1):
            await conn.execute("SAVEPOINT wuyi_append")
            try:
                stored = await self._append_once(
                    conn, tenant, stream_id, None, events, metadata, claim, release
                )
            except Overtaken:
                raise
            except ConcurrencyConflict:
                await conn.execute("ROLLBACK TO SAVEPOINT wuyi_append")
                continue
            await conn.execute("RELEASE SAVEPOINT wuyi_append")
            return stored
        return await self._append_once(
            conn, tenant, stream_id, None, events, metadata, claim, release
        )

    async def _append_once(
        self,
        conn: AbstractConnection,
        tenant: str,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
        metadata: EventMetadata,
        claim: Sequence[tuple[str, str]],
        release: Sequence[str],
    ) -> list[StoredEvent]:
        version, prev_hash = await self._head_of(conn, tenant, stream_id)
        if expected_version is not None and expected_version != version:
            raise ConcurrencyConflict(stream_id, expected_version, version)
        await self._release(conn, tenant, stream_id, release)
        await self._claim(conn, tenant, stream_id, claim)
        recorded_at = self.clock.now()
        for offset, event in enumerate(events, start=1):  # before any position is drawn
            version_of = version + offset
            draft = _stored(
                tenant, stream_id, event, metadata, recorded_at, 0, version_of, "", self.keyring
            )
            # Measured at the longest position the envelope can carry (its ``position``).
            self._check_size(replace(draft, position=_WIDEST_POSITION))
        positions = await _positions(conn, len(events), self.ordering)
        stored = []
        for offset, (event, position) in enumerate(zip(events, positions, strict=True), start=1):
            record = _stored(
                tenant,
                stream_id,
                event,
                metadata,
                recorded_at,
                position,
                version + offset,
                prev_hash,
                self.keyring,
            )
            try:
                transaction_id = await conn.fetchval(_INSERT, *_row(record))
            except Exception as err:
                if unique_violation(err, "stream_version"):  # another writer got there first
                    raise ConcurrencyConflict(stream_id, expected_version, version + 1) from err
                raise
            prev_hash = record.hash
            stored.append(replace(record, transaction_id=int(transaction_id)))
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
        """The follow API: events of every tenant after the one at position ``after``, in commit
        order, never one that a transaction still running could precede (module docstring)."""
        async with self.db.read() as conn:
            return await self.follow_in(conn, after, limit)

    async def follow_in(
        self, conn: AbstractConnection, after: int, limit: int
    ) -> list[StoredEvent]:
        """``read_all`` inside the caller's connection."""
        return await _follow(conn, self.ordering, after, limit)

    async def any_after(
        self, conn: AbstractConnection, after: int, types: Collection[str] | None = None
    ) -> bool:
        """Whether a follower at ``after`` has an event to read now, of ``types`` if given (a
        reader's freshness check: one query, no lock)."""
        if types is None:
            return bool(await _follow(conn, self.ordering, after, 1))
        if not types:
            return False
        kinds = sorted(types)
        horizon = await _horizon_args(conn, self.ordering)
        return bool(
            await conn.fetchval(_any_of(self.ordering, len(kinds)), after, *kinds, *horizon)
        )

    async def read_log(self, after: int = 0, limit: int = 1000) -> list[StoredEvent]:
        """Every committed event above position ``after``, in position order (audit, tools):
        not a follow API, a later commit may still fill a position below the last one read."""
        async with self.db.read() as conn:
            return await read_log(conn, after, limit)

    async def head(self) -> int:
        """The position of the last event a follower can read now (in commit order)."""
        async with self.db.read() as conn:
            return await _head(conn, self.ordering)

    async def _head_of(
        self, conn: AbstractConnection, tenant: str, stream_id: str
    ) -> tuple[int, str]:
        row = await conn.fetchrow(_HEAD_OF[self.ordering], stream_id)
        if row is None:
            return 0, GENESIS_HASH
        if row["tenant"] != tenant:  # ids are global; a foreign tenant's stream is not ours
            raise ConcurrencyConflict(stream_id, 0, int(row["stream_version"]))
        version = int(row["stream_version"])
        if row["transaction_id"] > row["me"]:
            # Our transaction id was assigned before the head's transaction committed (we wrote
            # something earlier): appending now would put our version before the head's in
            # commit order. Only a new transaction can append after it.
            raise Overtaken(stream_id, version, version)
        return version, str(row["hash"])

    async def _claim(
        self, conn: AbstractConnection, tenant: str, stream_id: str, keys: Sequence[tuple[str, str]]
    ) -> None:
        for key, field in keys:
            # Waits for a concurrent claim of the same key to settle; the holder then decides.
            await conn.execute(
                "INSERT INTO stream_keys (tenant, key, stream_id) VALUES ($1, $2, $3) "
                "ON CONFLICT (tenant, key) DO NOTHING",
                tenant,
                key,
                stream_id,
            )
            holder = await conn.fetchval(
                "SELECT stream_id FROM stream_keys WHERE tenant = $1 AND key = $2", tenant, key
            )
            if holder is not None and holder != stream_id:
                raise KeyTaken(key, holder, field)

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
    """The follow API inside the caller's connection (``EventStore.read_all``)."""
    return await _follow(conn, _ordering(conn), after, limit)


async def read_tenant(
    conn: AbstractConnection, tenant: str, after: int, upto: int | None, limit: int
) -> list[StoredEvent]:
    """``tenant``'s events with ``after < position <= upto`` (no bound: ``None``), in position
    order: a tenant's whole order in a store that serializes tenants (module docstring), for
    the caller that holds the tenant's lock or knows ``upto`` committed."""
    rows = await conn.fetch(
        f"{_SELECT} WHERE tenant = $1 AND position > $2 AND position <= $3 "
        "ORDER BY position LIMIT $4",
        tenant,
        after,
        _WIDEST_POSITION if upto is None else upto,
        limit,
    )
    return [_from_row(row) for row in rows]


def tenant_lock(tenant: str) -> str:
    """The name of ``tenant``'s append lock in a store that serializes tenants."""
    return f"events:append:{tenant}"


async def read_log(conn: AbstractConnection, after: int, limit: int) -> list[StoredEvent]:
    """Every committed event above position ``after``, in position order (``read_log``)."""
    rows = await conn.fetch(
        f"{_SELECT} WHERE position > $1 ORDER BY position LIMIT $2", after, limit
    )
    return [_from_row(row) for row in rows]


async def head(conn: AbstractConnection) -> int:
    """The position of the last event in commit order below the horizon, 0 if none."""
    return await _head(conn, _ordering(conn))


async def _follow(
    conn: AbstractConnection, ordering: Ordering, after: int, limit: int
) -> list[StoredEvent]:
    rows = await conn.fetch(_FOLLOW[ordering], after, limit, *await _horizon_args(conn, ordering))
    return [_from_row(row) for row in rows]


async def _head(conn: AbstractConnection, ordering: Ordering) -> int:
    return int(await conn.fetchval(_HEAD[ordering], *await _horizon_args(conn, ordering)) or 0)


async def _others(conn: AbstractConnection) -> list[int]:
    return list(await conn.fetchval(_OTHERS))


async def _horizon_args(conn: AbstractConnection, ordering: Ordering) -> list[Any]:
    """The follow horizon's parameter: ``_OTHERS``' answer, read first (commit order only)."""
    return [await _others(conn)] if ordering == "commit" else []


def _ordering(conn: AbstractConnection) -> Ordering:
    """A store's ordering as the module functions assume it (``EventStore.ordering``)."""
    return "position" if conn.dialect == "sqlite" else "commit"


async def _positions(conn: AbstractConnection, count: int, ordering: Ordering) -> list[int]:
    if ordering == "position":  # the file's write lock is held: max + 1 is ours
        last = int(await conn.fetchval("SELECT COALESCE(MAX(position), 0) FROM events"))
        return [last + n for n in range(1, count + 1)]
    rows = await conn.fetch(
        "SELECT nextval('events_position_seq') AS p FROM generate_series(1, $1::int)", count
    )
    return sorted(int(row["p"]) for row in rows)


# The horizon: no writer of this schema below it can still commit (module docstring). First
# ``_OTHERS``, one read of the lock table: the transactions running now (their own id lock, held
# ExclusiveLock) in a backend without this schema's writer gate. Then, in the follow statement
# itself and so in its snapshot, taken after that read: the snapshot's running ids (``xip``)
# less those others; the lowest left, else the snapshot's ``xmax``.
_OTHERS = f"""WITH locks AS MATERIALIZED (
        SELECT locktype, mode, granted, pid, transactionid, classid, objid, objsubid
        FROM pg_locks),
    gated AS (
        SELECT pid FROM locks WHERE locktype = 'advisory' AND classid = {WRITER_GATE}
        AND objid = hashtext(current_schema())::oid AND objsubid = 2 AND pid IS NOT NULL)
    SELECT COALESCE(array_agg(transactionid::text::bigint), '{{}}') FROM locks
    WHERE locktype = 'transactionid' AND mode = 'ExclusiveLock' AND granted
    AND pid IS NOT NULL AND pid NOT IN (SELECT pid FROM gated)"""


def _horizon(others: str) -> str:
    """The horizon's SQL, given the parameter that holds ``_OTHERS``' answer."""
    return (
        "(SELECT COALESCE(MIN(running.x), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)"
        " FROM (SELECT xip::text::bigint AS x FROM pg_snapshot_xip(pg_current_snapshot()) AS xip)"
        f" AS running WHERE NOT running.x % 4294967296 = ANY({others}::bigint[]))"
    )


_SETTLED = f"SELECT $1::bigint < {_horizon('$2')}"
_COLUMNS = (
    "position, tenant, stream_id, stream_version, event_id, type, data, private, "
    "metadata, recorded_at, prev_hash, hash, key_id"
)
_SELECT = f"SELECT {_COLUMNS}, transaction_id FROM events"
# The cursor is a position; the transaction it stands for is that event's (or, for a position
# no event holds, the nearest event's below it: only a hand-made cursor can be one).
_CURSOR = (
    "(COALESCE((SELECT transaction_id FROM events WHERE position <= $1 "
    "ORDER BY position DESC LIMIT 1), 0), $1)"
)
_FOLLOW: dict[Ordering, str] = {
    "position": f"{_SELECT} WHERE position > $1 ORDER BY position LIMIT $2",
    "commit": f"{_SELECT} WHERE (transaction_id, position) > {_CURSOR} "
    f"AND transaction_id < {_horizon('$3')} ORDER BY transaction_id, position LIMIT $2",
}


def _any_of(ordering: Ordering, count: int) -> str:
    """``any_after``'s query for ``count`` types ($2 on): the follow's order and horizon."""
    types = ", ".join(f"${n}" for n in range(2, count + 2))
    if ordering == "position":
        return f"SELECT 1 FROM events WHERE position > $1 AND type IN ({types}) LIMIT 1"
    return (
        f"SELECT 1 FROM events WHERE (transaction_id, position) > {_CURSOR} "
        f"AND transaction_id < {_horizon(f'${count + 2}')} AND type IN ({types}) LIMIT 1"
    )


_HEAD_OF: dict[Ordering, str] = {
    "position": "SELECT tenant, stream_version, hash, 0 AS transaction_id, 0 AS me FROM events "
    "WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1",
    # ``me`` is assigned here if the transaction has no id yet: after the head committed.
    "commit": "SELECT tenant, stream_version, hash, transaction_id, "
    "pg_current_xact_id()::text::bigint AS me FROM events "
    "WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1",
}
_HEAD: dict[Ordering, str] = {
    "position": "SELECT MAX(position) FROM events",
    "commit": f"SELECT position FROM events WHERE transaction_id < {_horizon('$1')} "
    "ORDER BY transaction_id DESC, position DESC LIMIT 1",
}
_INSERT = (
    f"INSERT INTO events ({_COLUMNS}) VALUES ({', '.join(f'${n}' for n in range(1, 14))}) "
    "RETURNING transaction_id"
)


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
        transaction_id=int(row.get("transaction_id") or 0),
    )


__all__ = [
    "ANY_VERSION",
    "EventStore",
    "chain_hash",
    "head",
    "read_all",
    "read_log",
    "read_stream",
    "read_tenant",
    "tenant_lock",
]
