"""Wiring of the registry service, the one place its parts are put together.

The registry's store serializes tenants (``EventStore(serialize_tenants=True)``, store.py), as
scoring's: its units of work (a roster import's chunk, a write and its read model) hold their
tenant's append lock and read their own uncommitted writes through the read model, whose
tenant part is brought current inside their transaction (``Projector(per_tenant=True)``,
``catch_up_tenant_in``); a commit-ordered follower could not see them (it reads below its own
running transaction). Every registry rule is within one tenant (codes, names, parents), so one
tenant's import does not hold up another's edits. Each write appends and brings the read model
current in one transaction, so the answer reads its own write; it then settles, so the
followers (relay, embedded consumers) can read it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wuyi_core import revocations
from wuyi_core.auth import Principal
from wuyi_core.clock import Clock
from wuyi_core.db.port import AbstractConnection, AbstractDatabase
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.projection import Projector

from wuyi_registry.adapters.in_transaction import ReadsIn, StoreIn
from wuyi_registry.adapters.projection import RegistryProjection
from wuyi_registry.adapters.read_model import RegistryReads


@dataclass
class Registry:
    """The registry's ports, handed to every handler."""

    store: EventStore
    projector: Projector
    reads: RegistryReads

    async def write(
        self,
        principal: Principal,
        correlation_id: str,
        tenant: str,
        stream_id: str,
        expected_version: int,
        events: list[NewEvent],
        **keys: Any,
    ) -> None:
        """Append and bring the read model up to date in the same transaction, so the caller
        reads its own write."""
        async with self.store.db.transaction() as conn:
            within = await self.within(conn, tenant)
            await within.write(
                principal, correlation_id, tenant, stream_id, expected_version, events, **keys
            )
        await within.committed()

    async def within(self, conn: AbstractConnection, tenant: str) -> RegistryIn:
        """The same ports inside a transaction the caller owns, in ``tenant``, whose append lock
        it takes first (the transaction must not have written before): the handlers' reads and
        writes go through ``conn``, so several commands commit together. The caller calls
        ``committed()`` once it has committed."""
        await self.store.lock_tenant(conn, tenant)
        await self.projector.catch_up_tenant_in(conn, tenant)
        return RegistryIn(
            StoreIn(self.store, conn), self.projector, ReadsIn(self.projector, conn), conn, tenant
        )


@dataclass
class RegistryIn(Registry):
    """``Registry.within``: each write brings the read model up to date in the transaction."""

    conn: AbstractConnection
    tenant: str
    transaction_id: int = 0  # set by the first append: what ``committed`` settles

    async def write(
        self,
        principal: Principal,
        correlation_id: str,
        tenant: str,
        stream_id: str,
        expected_version: int,
        events: list[NewEvent],
        **keys: Any,
    ) -> None:
        if tenant != self.tenant:  # the lock held and the read model caught up are the tenant's
            raise ValueError(f"unit of work of tenant {self.tenant!r} cannot write to {tenant!r}")
        if events:
            metadata = EventMetadata.of(principal, correlation_id)
            stored = await self.store.append(
                tenant, stream_id, expected_version, events, metadata, **keys
            )
            self.transaction_id = stored[-1].transaction_id
        await self.projector.catch_up_tenant_in(self.conn, tenant)

    async def committed(self) -> None:
        """After the caller's commit: wake the followers and wait until they can read it."""
        await self.store.committed(self.transaction_id)


async def build_registry(
    db: AbstractDatabase, clock: Clock | None = None, keyring: Keyring | None = None
) -> Registry:
    store = EventStore(db, clock, keyring=keyring, serialize_tenants=True)
    await store.migrate()
    await db.migrate(revocations.DDL)
    projector = Projector(store, RegistryProjection(), per_tenant=True)
    await projector.migrate()
    await projector.catch_up()
    return Registry(store, projector, RegistryReads(projector))
