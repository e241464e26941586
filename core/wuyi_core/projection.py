"""Projections of a service's own log: kept current, and rebuildable from position zero.

Physical tables carry a generation number (``entities_g3``). A rebuild fills generation N+1
beside the live one while the service keeps running, then, in one transaction holding the
projection's lock, applies the tail that arrived meanwhile and switches the live generation and
the checkpoint together. Readers always resolve table names through that one row, so they see
either the old or the new projection, never a half of each.

Only one rebuild of a projection runs at a time, across processes and replicas: two would fill
the same generation N+1 and apply every event twice. A rebuild holds a lease, a row of
``projection_rebuilds`` (SQLite has no session locks, so both backends keep it in a table). It is
claimed under the projection's lock, refused while another owner's heartbeat is younger than
``LEASE`` and taken over once it is older (a rebuild killed with ``kill -9`` blocks nobody for
long). Every bulk batch renews the heartbeat in its own transaction and stops if the lease was
taken over, so a stalled rebuild that wakes up writes nothing more; the swap deletes the lease
in the transaction that switches the generation; a failed rebuild releases its lease and drops
its shadow tables.

A decision projection of a store that serializes tenants (scoring's, the registry's) is
``per_tenant``: besides the follower's checkpoint it keeps a mark per tenant
(``projection_marks``: every event of the tenant up to it is applied). A unit of work, holding
its tenant's append lock, applies the tenant's events above the mark in position order inside its
own transaction (``catch_up_tenant_in``), under a lock of the projection and tenant held to
commit; no projection-wide lock. The follower finds new events in commit order with its
checkpoint as before and, per batch, takes the marks' locks of the batch's tenants in sorted
order, then applies each tenant's events above its mark up to the highest in the batch, read
from the log by position: so an event a unit of work applied is skipped, and one that commit
order puts after the batch but position order before is applied in its place. A rebuild keeps
the shadow generation's marks the same way; the swap takes the projection's ``live`` lock
exclusively, which units of work hold shared, so none writes the generation it drops.
"""

from __future__ import annotations

import os
import socket
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import timedelta

from wuyi_core import projection_marks as marks
from wuyi_core.clock import SystemClock
from wuyi_core.db.port import AbstractConnection
from wuyi_core.errors import Conflict
from wuyi_core.eventstore.records import StoredEvent
from wuyi_core.eventstore.store import EventStore, read_tenant

Tables = Mapping[str, str]
Progress = Callable[[int, int], None]

_DDL = """CREATE TABLE IF NOT EXISTS projections (
    name TEXT PRIMARY KEY, generation INTEGER NOT NULL, position BIGINT NOT NULL)"""
_LEASE_DDL = """CREATE TABLE IF NOT EXISTS projection_rebuilds (
    name TEXT PRIMARY KEY, owner TEXT NOT NULL, started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL)"""

LEASE = timedelta(seconds=120)
# Leases are between processes, so they run on wall-clock time, never on a service's clock
# (which tests and the demo generator set to other days).
_WALL = SystemClock()


def _stamp(delta: timedelta = timedelta()) -> str:
    """UTC, fixed width: stamps compare as text in SQL on both backends."""
    return (_WALL.now() - delta).isoformat(timespec="microseconds")


class RebuildInProgress(Conflict):
    """Another rebuild of the projection holds the lease (or took this rebuild's over)."""

    code = "rebuild_in_progress"

    def __init__(self, name: str, owner: str, started_at: str) -> None:
        super().__init__(
            f"投影 {name} 正在重建（{owner} 于 {started_at} 开始），请等它完成后再试"
            f"（{LEASE.seconds} 秒无进展的重建会被接管）",
            f"projection {name} is already being rebuilt by {owner} (started {started_at}); "
            f"wait for it to finish (a rebuild silent for {LEASE.seconds} s is taken over)",
        )
        self.name = name
        self.owner = owner
        self.started_at = started_at


class Projection(ABC):
    """A read model. ``ddl`` maps each logical table to statements formatted with ``t``, the
    physical name; ``apply`` must be deterministic so that a rebuild equals the live tables."""

    name: str
    ddl: Mapping[str, Sequence[str]]
    uses_private: bool = False  # True: needs the log itself; the public topic cannot rebuild it
    # The event types ``apply`` acts on, when it ignores every other (None: it reads every type):
    # the others are not applied, a reader does not wait for them (``catch_up_if_behind``), and
    # a rebuild from the topic leaves them undecoded (``topic_history(types=)``).
    types: frozenset[str] | None = None

    @abstractmethod
    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None: ...


class Projector:
    """Keeps one projection current. ``per_tenant`` (a decision projection of a store that
    serializes tenants): besides the follower's checkpoint, a mark per tenant
    (``projection_marks``), so that a unit of work brings its own tenant current inside its
    transaction (``catch_up_tenant_in``) while other tenants' units of work run."""

    def __init__(
        self,
        store: EventStore,
        projection: Projection,
        batch: int = 500,
        *,
        per_tenant: bool = False,
    ) -> None:
        if per_tenant and not store.serialize_tenants:
            raise ValueError(f"projection {projection.name}: per-tenant needs serialized tenants")
        self.store = store
        self.projection = projection
        self.batch = batch
        self.per_tenant = per_tenant
        self._lock = f"projection:{projection.name}"
        # Units of work hold it shared; the rebuild's swap exclusive (no unit of work writes the
        # generation it drops).
        self._live = f"projection:{projection.name}:live"

    async def migrate(self) -> None:
        await self.store.db.migrate([_DDL, _LEASE_DDL, *marks.DDL])
        async with self.store.db.transaction(lock=self._lock) as conn:
            state = await self._state(conn)
            if state is None:
                await self._create(conn, 1)
                await conn.execute(
                    "INSERT INTO projections (name, generation, position) VALUES ($1, 1, 0)",
                    self.projection.name,
                )
            else:  # a table added to ``ddl`` since (every statement is IF NOT EXISTS)
                await self._create(conn, state[0])
                if self.per_tenant:
                    await marks.initialise(conn, self.projection.name, *state)

    async def tables(self, conn: AbstractConnection) -> dict[str, str]:
        state = await self._state(conn)
        return self._names(state[0] if state else 1)

    async def catch_up(self) -> int:
        """Apply every event after the checkpoint; returns how many were applied."""
        applied = 0
        while True:
            async with self.store.db.transaction(lock=self._lock) as conn:
                events = await self._step(conn)
            applied += events
            if events < self.batch:
                return applied

    async def catch_up_if_behind(self) -> int:
        """``catch_up``, after one lock-free query that finds most calls with nothing to do
        (a reader's freshness check: readers do not queue on the projection's lock then). A
        projection that reads a few types (``types``) is behind only when one of those came:
        a settings read is not held up by the reports appended since its checkpoint (the
        follower loop moves the checkpoint past them)."""
        async with self.store.db.read() as conn:
            state = await self._state(conn)
            behind = state is None or await self.store.any_after(
                conn, state[1], self.projection.types
            )
        return await self.catch_up() if behind else 0

    async def catch_up_tenant_in(self, conn: AbstractConnection, tenant: str) -> dict[str, str]:
        """Bring ``tenant`` current inside the caller's transaction, which holds the tenant's
        append lock (``EventStore.lock_tenant``): every committed event of the tenant and the
        transaction's own, none in flight. Returns the table names. Other tenants are not
        waited for; the tenant's mark lock is held to commit."""
        await conn.lock(self._live, shared=True)
        await conn.lock(marks.lock(self.projection.name, tenant))
        generation, _ = await self._must_state(conn)
        tables = self._names(generation)
        await self._apply_tenants(conn, generation, {tenant: None}, tables)
        return tables

    async def _step(self, conn: AbstractConnection) -> int:
        generation, position = await self._must_state(conn)
        events = await self.store.follow_in(conn, position, self.batch)
        if self.per_tenant:  # the live marks are shared with units of work: their locks first
            for tenant in sorted({e.tenant for e in events}):  # one order: no deadlock cycle
                await conn.lock(marks.lock(self.projection.name, tenant))
        await self._apply_batch(conn, generation, events, self._names(generation))
        if events:
            await self._set_position(conn, events[-1].position)
        return len(events)

    async def _apply_tenants(
        self,
        conn: AbstractConnection,
        generation: int,
        bounds: Mapping[str, int | None],
        t: Tables,
    ) -> None:
        """Apply each tenant's events above its mark up to its bound (``None``: all), read
        from the log in position order, and move its mark. A follower's batch is in commit
        order, which within a tenant can differ from position order (a transaction drew its id
        before it took the tenant's lock); the events of the tenant below a committed one are
        committed (their writers held the lock before), so reading the range takes them all."""
        name = self.projection.name
        held = await marks.read(conn, name, generation, sorted(bounds))
        for tenant in sorted(bounds):
            start = mark = held.get(tenant, 0)
            while events := await read_tenant(conn, tenant, mark, bounds[tenant], self.batch):
                await self._apply_all(conn, events, t)
                mark = events[-1].position
            if mark != start:
                await marks.write(conn, name, generation, tenant, mark)

    async def rebuild(
        self,
        progress: Progress | None = None,
        source: AsyncIterator[list[StoredEvent]] | None = None,
    ) -> int:
        """Replay the whole log (or ``source``, batches in log order, e.g. the service's topic)
        into a new generation and swap it in; returns events applied. Whatever the source, the
        tail that arrived meanwhile comes from the log, under the projection's lock. Raises
        ``RebuildInProgress`` while another rebuild holds the lease. A per-tenant projection
        reads its tenants' ranges from the log, so it is rebuilt from the log only."""
        if source is not None and (self.projection.uses_private or self.per_tenant):
            need = "private data" if self.projection.uses_private else "per-tenant ranges"
            raise ValueError(
                f"projection {self.projection.name} needs {need}; rebuild it from the log"
            )
        owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        generation = await self._claim(owner)
        try:
            applied = await self._fill(owner, generation, progress, source)
        except BaseException:
            await self._abandon(owner, generation + 1)
            raise
        if progress:
            progress(applied, applied)
        return applied

    async def _claim(self, owner: str) -> int:
        """Take the lease (free, or stale) and create an empty shadow; returns the live
        generation. One conditional upsert, so a heartbeat renewed meanwhile wins."""
        async with self.store.db.transaction(lock=self._lock) as conn:
            claimed = await conn.fetchval(
                "INSERT INTO projection_rebuilds (name, owner, started_at, heartbeat_at)"
                " VALUES ($1, $2, $3, $3) ON CONFLICT (name) DO UPDATE SET"
                " owner = excluded.owner, started_at = excluded.started_at,"
                " heartbeat_at = excluded.heartbeat_at"
                " WHERE projection_rebuilds.heartbeat_at < $4 RETURNING owner",
                self.projection.name,
                owner,
                _stamp(),
                _stamp(LEASE),
            )
            if claimed is None:
                raise await self._refusal(conn)
            generation, _ = await self._must_state(conn)
            await self._drop(conn, generation + 1)
            await self._create(conn, generation + 1)
        return generation

    async def _fill(
        self,
        owner: str,
        generation: int,
        progress: Progress | None,
        source: AsyncIterator[list[StoredEvent]] | None,
    ) -> int:
        shadow = self._names(generation + 1)
        total, position, applied = await self.store.head(), 0, 0
        async for events in source or self._log_batches():  # the bulk, not blocking catch-up
            async with self.store.db.transaction() as conn:
                await self._renew(conn, owner)
                await self._apply_batch(conn, generation + 1, events, shadow)
            position, applied = events[-1].position, applied + len(events)
            if progress:
                progress(applied, max(total, position))
        async with self.store.db.transaction(lock=self._lock) as conn:
            if not await self._release(conn, owner):
                raise await self._refusal(conn)
            await conn.lock(self._live)  # the units of work under way end first
            while events := await self.store.follow_in(conn, position, self.batch):  # the tail
                await self._apply_batch(conn, generation + 1, events, shadow)
                position, applied = events[-1].position, applied + len(events)
            await conn.execute(
                "UPDATE projections SET generation = $1, position = $2 WHERE name = $3",
                generation + 1,
                position,
                self.projection.name,
            )
            await self._drop(conn, generation)
        return applied

    async def _renew(self, conn: AbstractConnection, owner: str) -> None:
        """Refresh the heartbeat; a rebuild whose lease was taken over must write no more."""
        renewed = await conn.fetchval(
            "UPDATE projection_rebuilds SET heartbeat_at = $1 WHERE name = $2 AND owner = $3"
            " RETURNING owner",
            _stamp(),
            self.projection.name,
            owner,
        )
        if renewed is None:
            raise await self._refusal(conn)

    async def _release(self, conn: AbstractConnection, owner: str) -> bool:
        """Delete the lease if ``owner`` still holds it; says whether it did."""
        released = await conn.fetchval(
            "DELETE FROM projection_rebuilds WHERE name = $1 AND owner = $2 RETURNING owner",
            self.projection.name,
            owner,
        )
        return released is not None

    async def _abandon(self, owner: str, shadow: int) -> None:
        """After a failure: the shadow is this rebuild's to drop only while it holds the lease."""
        async with self.store.db.transaction(lock=self._lock) as conn:
            if await self._release(conn, owner):
                await self._drop(conn, shadow)

    async def _refusal(self, conn: AbstractConnection) -> RebuildInProgress:
        holder = await conn.fetchrow(
            "SELECT owner, started_at FROM projection_rebuilds WHERE name = $1",
            self.projection.name,
        )
        owner, started = (holder["owner"], holder["started_at"]) if holder else ("?", "?")
        return RebuildInProgress(self.projection.name, owner, started)

    async def _log_batches(self) -> AsyncIterator[list[StoredEvent]]:
        position = 0
        while events := await self.store.read_all(position, self.batch):
            yield events
            position = events[-1].position

    async def _apply_batch(
        self, conn: AbstractConnection, generation: int, events: list[StoredEvent], t: Tables
    ) -> None:
        """A batch of a follower (holding the marks' locks) or of a rebuild (the shadow is the
        rebuild's alone, its marks need no lock): per tenant above its mark, or every event."""
        if self.per_tenant:
            await self._apply_tenants(conn, generation, _bounds(events), t)
        else:
            await self._apply_all(conn, events, t)

    async def _apply_all(
        self, conn: AbstractConnection, events: Sequence[StoredEvent], t: Tables
    ) -> None:
        types = self.projection.types
        for event in events:
            if types is None or event.type in types:
                await self.projection.apply(conn, event, t)

    def _names(self, generation: int) -> dict[str, str]:
        return {table: f"{table}_g{generation}" for table in self.projection.ddl}

    async def _create(self, conn: AbstractConnection, generation: int) -> None:
        for table, statements in self.projection.ddl.items():
            for statement in statements:
                await conn.execute(statement.format(t=f"{table}_g{generation}"))

    async def _drop(self, conn: AbstractConnection, generation: int) -> None:
        for table in self._names(generation).values():
            await conn.execute(f"DROP TABLE IF EXISTS {table}")
        await marks.drop(conn, self.projection.name, generation)

    async def _state(self, conn: AbstractConnection) -> tuple[int, int] | None:
        row = await conn.fetchrow(
            "SELECT generation, position FROM projections WHERE name = $1", self.projection.name
        )
        return None if row is None else (int(row["generation"]), int(row["position"]))

    async def _must_state(self, conn: AbstractConnection) -> tuple[int, int]:
        state = await self._state(conn)
        if state is None:
            raise RuntimeError(f"projection {self.projection.name} is not migrated")
        return state

    async def _set_position(self, conn: AbstractConnection, position: int) -> None:
        await conn.execute(
            "UPDATE projections SET position = $1 WHERE name = $2", position, self.projection.name
        )


def _bounds(events: Sequence[StoredEvent]) -> dict[str, int | None]:
    """Each tenant of a follower's batch with its highest position in it."""
    bounds: dict[str, int | None] = {}
    for event in events:
        bounds[event.tenant] = max(event.position, bounds.get(event.tenant) or 0)
    return bounds
