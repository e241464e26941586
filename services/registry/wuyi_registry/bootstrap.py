"""Wiring of the registry service, the one place its parts are put together.

The registry's store is ``serialized`` (store.py), as scoring's: its units of work (a roster
import's chunk, a write and its read model) read their own uncommitted writes through the read
model brought current inside their transaction, which a commit-ordered follower cannot see (it
reads below its own running transaction). Registry writes are an office's edits and imports, a
few a second at most; the write rate at stake (issue #12) is reporting's, which appends without
a lock. Each write appends and brings the read model current in one transaction, so the answer
reads its own write and nothing else waits for it.
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
from wuyi_core.eventstore.store import APPEND_LOCK
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
        async with self.store.db.transaction(lock=APPEND_LOCK) as conn:
            await self.within(conn).write(
                principal, correlation_id, tenant, stream_id, expected_version, events, **keys
            )
        self.store.notify()

    def within(self, conn: AbstractConnection) -> Registry:
        """The same ports inside a transaction the caller owns, which must hold the append lock
        (``db.transaction(lock=APPEND_LOCK)``): the handlers' reads and writes go through
        ``conn``, so several commands commit together. The caller calls ``store.notify()``
        once it has committed."""
        return RegistryIn(
            StoreIn(self.store, conn), self.projector, ReadsIn(self.projector, conn), conn
        )


@dataclass
class RegistryIn(Registry):
    """``Registry.within``: each write brings the read model up to date in the transaction."""

    conn: AbstractConnection

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
        if events:
            metadata = EventMetadata.of(principal, correlation_id)
            await self.store.append(tenant, stream_id, expected_version, events, metadata, **keys)
        await self.projector.catch_up_in(self.conn)


async def build_registry(
    db: AbstractDatabase, clock: Clock | None = None, keyring: Keyring | None = None
) -> Registry:
    store = EventStore(db, clock, keyring=keyring, serialized=True)
    await store.migrate()
    await db.migrate(revocations.DDL)
    projector = Projector(store, RegistryProjection())
    await projector.migrate()
    await projector.catch_up()
    return Registry(store, projector, RegistryReads(projector))
