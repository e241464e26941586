"""The registry's log and read model seen through one transaction's connection.

A unit of work that spans several commands (a roster import appends a chunk of rows in one
transaction) must read what its earlier commands wrote and must not open a connection of its
own: SQLite has one, held by the transaction, and PostgreSQL's other connections would not see
the uncommitted rows. These adapters answer the handlers' reads and appends on that connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent, StoredEvent
from wuyi_core.eventstore.store import read_stream
from wuyi_core.projection import Projector

from wuyi_registry.adapters.read_model import RegistryReads


class StoreIn(EventStore):
    """``store``'s log, read and appended inside the transaction of ``conn`` (which holds the
    tenant's append lock). Its followers are woken by ``store.notify()`` once the caller
    committed."""

    def __init__(self, store: EventStore, conn: AbstractConnection) -> None:
        super().__init__(
            store.db,
            store.clock,
            store.max_bytes,
            store.keyring,
            serialize_tenants=store.serialize_tenants,
        )
        self.conn = conn

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
        return await self.append_in(
            self.conn,
            tenant,
            stream_id,
            expected_version,
            events,
            metadata,
            claim=claim,
            release=release,
        )

    async def read_stream(self, tenant: str, stream_id: str) -> list[StoredEvent]:
        return await read_stream(self.conn, tenant, stream_id)

    async def key_holder(self, tenant: str, key: str) -> str | None:
        holder = await self.conn.fetchval(
            "SELECT stream_id FROM stream_keys WHERE tenant = $1 AND key = $2", tenant, key
        )
        return None if holder is None else str(holder)


class ReadsIn(RegistryReads):
    """The read model's queries on ``conn``: they see the transaction's own writes once the
    projection caught up inside it (``Projector.catch_up_tenant_in``)."""

    def __init__(self, projector: Projector, conn: AbstractConnection) -> None:
        super().__init__(projector)
        self.conn = conn

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AbstractConnection]:
        yield self.conn
