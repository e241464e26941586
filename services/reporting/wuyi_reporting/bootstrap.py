"""Wiring of the reporting service, the one place its parts are put together."""

from __future__ import annotations

from dataclasses import dataclass

from wuyi_core import registry_replica as replica
from wuyi_core.bus.port import AbstractBus
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent, StoredEvent
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.projection import Projector
from wuyi_core.tracking import DDL as TRACKING_DDL

from wuyi_reporting.adapters.projections import PROJECTIONS
from wuyi_reporting.adapters.read_model import ReportingReads

REPLICA = "reporting.registry-replica"
SWEEPS_DDL = [
    """CREATE TABLE IF NOT EXISTS missed_sweeps (
        tenant TEXT NOT NULL, level INTEGER NOT NULL, day TEXT NOT NULL,
        PRIMARY KEY (tenant, level, day))""",
]


@dataclass
class Reporting:
    """The reporting service's ports, handed to every handler."""

    store: EventStore
    projectors: dict[str, Projector]
    reads: ReportingReads
    clock: Clock

    async def write(
        self,
        metadata: EventMetadata,
        tenant: str,
        stream_id: str,
        expected_version: int | None,
        events: list[NewEvent],
    ) -> list[StoredEvent]:
        """Append; no projection is caught up here: a read catches up the projection it reads
        (``ReportingReads``), so a request waits only for the projections its answer reads."""
        return await self.store.append(tenant, stream_id, expected_version, events, metadata)

    async def catch_up(self) -> None:
        for projector in self.projectors.values():
            await projector.catch_up()


async def build_reporting(
    db: AbstractDatabase, clock: Clock | None = None, keyring: Keyring | None = None
) -> Reporting:
    clock = clock or SystemClock()
    store = EventStore(db, clock, keyring=keyring)
    await store.migrate()
    await db.migrate([*replica.DDL, *TRACKING_DDL, *SWEEPS_DDL])
    projectors = {p.name: Projector(store, p()) for p in PROJECTIONS}
    for projector in projectors.values():
        await projector.migrate()
        await projector.catch_up()
    return Reporting(store, projectors, ReportingReads(db, projectors), clock)


def registry_replica(reporting: Reporting, bus: AbstractBus) -> ConsumerRunner:
    """The consumer that keeps reporting's copy of the registry current."""
    return replica.replica_consumer(REPLICA, reporting.store.db, bus, reporting.clock)
