"""Projections of a service's own log: kept current, and rebuildable from position zero.

Physical tables carry a generation number (``entities_g3``). A rebuild fills generation N+1
beside the live one while the service keeps running, then, in one transaction holding the
projection's lock, applies the tail that arrived meanwhile and switches the live generation and
the checkpoint together. Readers always resolve table names through that one row, so they see
either the old or the new projection, never a half of each.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Mapping, Sequence

from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore.records import StoredEvent
from wuyi_core.eventstore.store import EventStore, read_all

Tables = Mapping[str, str]
Progress = Callable[[int, int], None]

_DDL = """CREATE TABLE IF NOT EXISTS projections (
    name TEXT PRIMARY KEY, generation INTEGER NOT NULL, position BIGINT NOT NULL)"""


class Projection(ABC):
    """A read model. ``ddl`` maps each logical table to statements formatted with ``t``, the
    physical name; ``apply`` must be deterministic so that a rebuild equals the live tables."""

    name: str
    ddl: Mapping[str, Sequence[str]]
    uses_private: bool = False  # True: needs the log itself; the public topic cannot rebuild it

    @abstractmethod
    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None: ...


class Projector:
    def __init__(self, store: EventStore, projection: Projection, batch: int = 500) -> None:
        self.store = store
        self.projection = projection
        self.batch = batch
        self._lock = f"projection:{projection.name}"

    async def migrate(self) -> None:
        async with self.store.db.transaction(lock=self._lock) as conn:
            await conn.execute(_DDL)
            if await self._state(conn) is None:
                await self._create(conn, 1)
                await conn.execute(
                    "INSERT INTO projections (name, generation, position) VALUES ($1, 1, 0)",
                    self.projection.name,
                )

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

    async def catch_up_in(self, conn: AbstractConnection) -> dict[str, str]:
        """Bring the projection current inside the caller's transaction (which must hold the
        append lock, so nothing can be appended meanwhile); returns its table names."""
        await conn.lock(self._lock)
        while await self._step(conn) == self.batch:
            pass
        return await self.tables(conn)

    async def _step(self, conn: AbstractConnection) -> int:
        generation, position = await self._must_state(conn)
        events = await read_all(conn, position, self.batch)
        await self._apply_all(conn, events, self._names(generation))
        if events:
            await self._set_position(conn, events[-1].position)
        return len(events)

    async def rebuild(
        self,
        progress: Progress | None = None,
        source: AsyncIterator[list[StoredEvent]] | None = None,
    ) -> int:
        """Replay the whole log (or ``source``, batches in log order, e.g. the service's topic)
        into a new generation and swap it in; returns events applied. Whatever the source, the
        tail that arrived meanwhile comes from the log, under the projection's lock."""
        if source is not None and self.projection.uses_private:
            raise ValueError(
                f"projection {self.projection.name} needs private data; rebuild it from the log"
            )
        async with self.store.db.read() as conn:
            generation, _ = await self._must_state(conn)
        shadow = generation + 1
        async with self.store.db.transaction() as conn:
            await self._drop(conn, shadow)
            await self._create(conn, shadow)
        total, position, applied = await self.store.head(), 0, 0
        batches = source if source is not None else self._log_batches()
        async for events in batches:  # the bulk, without blocking live catch-up
            async with self.store.db.transaction() as conn:
                await self._apply_all(conn, events, self._names(shadow))
            position, applied = events[-1].position, applied + len(events)
            if progress:
                progress(applied, max(total, position))
        async with self.store.db.transaction(lock=self._lock) as conn:
            while events := await read_all(conn, position, self.batch):  # the tail, under lock
                await self._apply_all(conn, events, self._names(shadow))
                position, applied = events[-1].position, applied + len(events)
            await conn.execute(
                "UPDATE projections SET generation = $1, position = $2 WHERE name = $3",
                shadow,
                position,
                self.projection.name,
            )
            await self._drop(conn, generation)
        if progress:
            progress(applied, applied)
        return applied

    async def _log_batches(self) -> AsyncIterator[list[StoredEvent]]:
        position = 0
        while events := await self.store.read_all(position, self.batch):
            yield events
            position = events[-1].position

    async def _apply_all(
        self, conn: AbstractConnection, events: Sequence[StoredEvent], t: Tables
    ) -> None:
        for event in events:
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
