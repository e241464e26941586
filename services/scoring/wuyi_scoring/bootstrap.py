"""Wiring of the scoring service, the one place its parts are put together.

Every scoring write runs in one transaction that holds the event store's append lock and first
brings the ``scoring`` projection current inside it (``Scoring.transaction``). Commands and the
delisting policy therefore decide on exactly the state of the log, and serialize against each
other: an award and the case that should revoke it cannot pass each other unseen.

Scoring's store is therefore ``serialized`` (store.py): every append takes the append lock and
positions stay in commit order, so the ``scoring`` projection brought current inside a unit of
work sees every committed event. The other services append without a lock (issue #12);
scoring's commands are few (reviews, awards, delistings), its write rate is not the one at stake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from wuyi_core import registry_replica
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.db.port import AbstractConnection, AbstractDatabase
from wuyi_core.eventstore import EventStore
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.eventstore.store import APPEND_LOCK
from wuyi_core.projection import Projector
from wuyi_core.tracking import DDL as TRACKING_DDL

from wuyi_scoring.adapters import evidence_files, inbox, objection_counts
from wuyi_scoring.adapters.projections import PROJECTIONS
from wuyi_scoring.adapters.tx import Tx

INBOX = "scoring.inbox"


@dataclass
class Scoring:
    """The scoring service's ports, handed to every handler."""

    store: EventStore
    projectors: dict[str, Projector]
    clock: Clock
    _caught_up_to: int = -1

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A command's unit of work; the public lists catch up once it has committed."""
        async with self.store.db.transaction(lock=APPEND_LOCK) as conn:
            yield await self.within(conn)
        self.store.notify()
        await self._catch_up_lists()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """The same reads on a plain connection, for queries."""
        async with self.store.db.read() as conn:
            yield self._tx(conn, await self.projectors["scoring"].tables(conn))

    async def within(self, conn: AbstractConnection) -> Tx:
        """A unit of work inside a transaction the caller owns (the policy's consumer)."""
        await conn.lock(APPEND_LOCK)
        return self._tx(conn, await self.projectors["scoring"].catch_up_in(conn))

    def _tx(self, conn: AbstractConnection, tables: dict[str, str]) -> Tx:
        return Tx(conn, tables, self.store, self.projectors["scoring"], self.clock)

    async def catch_up(self) -> None:
        for projector in self.projectors.values():
            await projector.catch_up()

    async def catch_up_if_appended(self) -> None:
        """After a consumed event: one query when it appended nothing (most do not)."""
        head = await self.store.head()
        if head != self._caught_up_to:
            self.store.notify()
            await self._catch_up_lists()
            self._caught_up_to = head

    async def _catch_up_lists(self) -> None:
        """After a unit of work: ``scoring`` was brought current inside it, the rest follow."""
        for name, projector in self.projectors.items():
            if name != "scoring":
                await projector.catch_up()


async def build_scoring(
    db: AbstractDatabase, clock: Clock | None = None, keyring: Keyring | None = None
) -> Scoring:
    clock = clock or SystemClock()
    store = EventStore(db, clock, keyring=keyring, serialized=True)
    await store.migrate()
    await db.migrate(
        [
            *registry_replica.DDL,
            *inbox.DDL,
            *TRACKING_DDL,
            *objection_counts.DDL,
            *evidence_files.DDL,
        ]
    )
    projectors = {p.name: Projector(store, p()) for p in PROJECTIONS}
    for projector in projectors.values():
        await projector.migrate()
        await projector.catch_up()
    return Scoring(store, projectors, clock)
