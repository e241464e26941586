"""The set of services of one deployment, opened on SQLite (a data folder) or PostgreSQL.

Commands that act on a deployment (import, rebuild, audit, demo) take a ``Services`` and do not
care which mode it runs in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from wuyi_core.bus.embedded import EmbeddedBus
from wuyi_core.clock import Clock
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.errors import InvalidInput
from wuyi_core.eventstore import EventStore
from wuyi_core.eventstore.checkpoints import AbstractCheckpointLog, Checkpointer, FileCheckpointLog
from wuyi_core.eventstore.keyring import Keyring, NoKeys
from wuyi_core.projection import Projector
from wuyi_core.registry_replica import apply_registry_event
from wuyi_core.settings import WuyiSettings
from wuyi_notifier.bootstrap import Notifier, build_notifier
from wuyi_notifier.worker import consumers as notifier_consumers
from wuyi_registry.bootstrap import Registry, build_registry
from wuyi_reporting.bootstrap import REPLICA, Reporting, build_reporting
from wuyi_scoring.bootstrap import Scoring, build_scoring
from wuyi_scoring.worker import consumers as scoring_consumers

from wuyi.datadir import DataDir

SERVICE_NAMES = ("registry", "reporting", "scoring", "notifier")


@dataclass
class Services:
    registry: Registry
    reporting: Reporting
    scoring: Scoring
    notifier: Notifier
    # Where each service's signed checkpoints live (none: a deleted tail goes unseen).
    checkpoint_logs: dict[str, AbstractCheckpointLog] = field(default_factory=dict)

    @property
    def stores(self) -> dict[str, EventStore]:
        return {
            "registry": self.registry.store,
            "reporting": self.reporting.store,
            "scoring": self.scoring.store,
            "notifier": self.notifier.store,
        }

    @property
    def projectors(self) -> dict[str, Projector]:
        return {
            self.registry.projector.projection.name: self.registry.projector,
            **self.reporting.projectors,
            **self.scoring.projectors,
        }

    def consumers(self) -> dict[str, ConsumerRunner]:
        """Every consumer, for commands on its parked events (driven without a subscription)."""
        replica = ConsumerRunner(REPLICA, self.reporting.store.db, None, apply_registry_event)
        runners = [
            replica,
            *scoring_consumers(self.scoring, None),
            *notifier_consumers(self.notifier, None),
        ]
        return {r.name: r for r in runners}

    def checkpointers(self) -> dict[str, Checkpointer]:
        return {
            service: Checkpointer(service, self.stores[service], log)
            for service, log in self.checkpoint_logs.items()
        }

    async def checkpoint(self) -> None:
        """Sign every service's head after this process's appends."""
        for checkpointer in self.checkpointers().values():
            await checkpointer.checkpoint()

    def embedded_bus(self) -> EmbeddedBus:
        return EmbeddedBus(self.stores)

    async def close(self) -> None:
        await self.notifier.close()
        for store in self.stores.values():
            await store.db.close()


async def _build(
    dbs: dict[str, AbstractDatabase],
    clock: Clock | None,
    keyring: Keyring,
    logs: dict[str, AbstractCheckpointLog],
) -> Services:
    return Services(
        registry=await build_registry(dbs["registry"], clock, keyring),
        reporting=await build_reporting(dbs["reporting"], clock, keyring),
        scoring=await build_scoring(dbs["scoring"], clock, keyring),
        notifier=await build_notifier(dbs["notifier"], clock, keyring=keyring),
        checkpoint_logs=logs,
    )


async def open_sqlite(data: DataDir, clock: Clock | None = None) -> Services:
    data.ensure()
    dbs: dict[str, AbstractDatabase] = {
        s: await SQLiteDatabase.open(data.database(s)) for s in SERVICE_NAMES
    }
    logs: dict[str, AbstractCheckpointLog] = {s: data.checkpoint_log(s) for s in SERVICE_NAMES}
    return await _build(dbs, clock, data.keyring(), logs)


async def open_postgres(url: str, clock: Clock | None = None) -> Services:
    """One schema per service in the database of ``url``; audit keys and the checkpoint folder
    from ``WUYI_AUDIT_KEYS`` and ``WUYI_AUDIT_CHECKPOINT_DIR``."""
    dbs: dict[str, AbstractDatabase] = {
        s: await PostgresDatabase.open(url, s) for s in SERVICE_NAMES
    }
    return await _build(dbs, clock, distributed_keyring(), distributed_checkpoint_logs())


def distributed_keyring() -> Keyring:
    """``WUYI_AUDIT_KEYS``; without it commands that only read still work (``wuyi serve``
    refuses to start without it)."""
    return Keyring.from_environment() or NoKeys()


def distributed_checkpoint_logs() -> dict[str, AbstractCheckpointLog]:
    folder = WuyiSettings().audit_checkpoint_dir
    if folder is None:
        return {}
    return {s: FileCheckpointLog(folder / f"{s}.json") for s in SERVICE_NAMES}


@asynccontextmanager
async def services_for(
    data: Path | None, clock: Clock | None = None, *, checkpoint: bool = True
) -> AsyncIterator[Services]:
    """The embedded deployment in ``data``, or without it the distributed one of ``WUYI_*``;
    with ``checkpoint``, the heads are signed after the block's appends."""
    if data is not None:
        services = await open_sqlite(DataDir(data), clock)
    else:
        url = WuyiSettings().database_url
        if not url:
            raise InvalidInput(
                "未设置 WUYI_DATABASE_URL；嵌入式部署请加 --data 目录",
                "WUYI_DATABASE_URL is not set; for an embedded deployment pass --data DIR",
            )
        services = await open_postgres(url, clock)
    try:
        yield services
        if checkpoint:
            await services.checkpoint()
    finally:
        await services.close()
