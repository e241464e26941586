"""Wiring of the scoring service, the one place its parts are put together.

Every scoring write runs in one transaction that holds its tenant's append lock and first
brings the tenant's part of the ``scoring`` projection current inside it
(``Scoring.transaction(tenant)``). Commands and the delisting policy therefore decide on exactly
the state of the tenant's log, and serialize against each other within the tenant: an award and
the case that should revoke it cannot pass each other unseen. Every rule scoring decides is
within one tenant, so units of work of different tenants run at the same time.

Scoring's store serializes tenants (``EventStore(serialize_tenants=True)``, store.py): every
append takes its tenant's lock, so a tenant's events commit in position order and the
``scoring`` projection keeps a mark per tenant (``Projector(per_tenant=True)``); the public
lists follow the log in commit order, after the unit of work has settled
(docs/architecture-notes.md, "Per-tenant serialization for registry and scoring").
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
    async def transaction(self, tenant: str) -> AsyncIterator[Tx]:
        """A command's unit of work in ``tenant``; the public lists catch up once it has
        committed and settled (they follow in commit order: they must see it)."""
        async with self.store.db.transaction() as conn:
            tx = await self.within(conn, tenant)
            yield tx
        await self.store.committed(tx.transaction_id)
        await self._catch_up_lists()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[Tx]:
        """The same reads on a plain connection, for queries."""
        async with self.store.db.read() as conn:
            yield self._tx(conn, await self.projectors["scoring"].tables(conn), "")

    async def within(self, conn: AbstractConnection, tenant: str) -> Tx:
        """A unit of work in ``tenant`` inside a transaction the caller owns (the policy's
        consumer), which must not have written before: the tenant's lock comes first."""
        await self.store.lock_tenant(conn, tenant)
        tables = await self.projectors["scoring"].catch_up_tenant_in(conn, tenant)
        return self._tx(conn, tables, tenant)

    def _tx(self, conn: AbstractConnection, tables: dict[str, str], tenant: str) -> Tx:
        return Tx(conn, tables, self.store, self.projectors["scoring"], self.clock, tenant)

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
    store = EventStore(db, clock, keyring=keyring, serialize_tenants=True)
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
    projectors = {
        p.name: Projector(store, p(), per_tenant=p.name == "scoring") for p in PROJECTIONS
    }
    for projector in projectors.values():
        await projector.migrate()
        await projector.catch_up()
    return Scoring(store, projectors, clock)
