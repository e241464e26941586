"""The set of services of one deployment, opened on SQLite (a data folder) or PostgreSQL.

Commands that act on a deployment (import, rebuild, audit, demo) take a ``Services`` and do not
care which mode it runs in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from wuyi_core.bus.embedded import EmbeddedBus
from wuyi_core.clock import Clock
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.errors import InvalidInput
from wuyi_core.eventstore import EventStore
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

    def embedded_bus(self) -> EmbeddedBus:
        return EmbeddedBus(self.stores)

    async def close(self) -> None:
        await self.notifier.close()
        for store in self.stores.values():
            await store.db.close()


async def _build(dbs: dict[str, AbstractDatabase], clock: Clock | None) -> Services:
    return Services(
        registry=await build_registry(dbs["registry"], clock),
        reporting=await build_reporting(dbs["reporting"], clock),
        scoring=await build_scoring(dbs["scoring"], clock),
        notifier=await build_notifier(dbs["notifier"], clock),
    )


async def open_sqlite(data: DataDir, clock: Clock | None = None) -> Services:
    data.ensure()
    return await _build(
        {s: await SQLiteDatabase.open(data.database(s)) for s in SERVICE_NAMES}, clock
    )


async def open_postgres(url: str, clock: Clock | None = None) -> Services:
    """One schema per service in the database of ``url``."""
    return await _build({s: await PostgresDatabase.open(url, s) for s in SERVICE_NAMES}, clock)


@asynccontextmanager
async def services_for(data: Path | None, clock: Clock | None = None) -> AsyncIterator[Services]:
    """The embedded deployment in ``data``, or without it the distributed one of ``WUYI_*``."""
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
    finally:
        await services.close()
