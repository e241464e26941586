"""The services running together for tests: registry, reporting and scoring on one backend
(SQLite files or PostgreSQL schemas), joined by the embedded bus or by a real Kafka (each log
relayed to its topic, each consumer reading topics), behind HTTP, with a clock the test moves."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime

import httpx
from fastapi import FastAPI
from wuyi_core.auth import Role, TokenService
from wuyi_core.bus.embedded import EmbeddedBus
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.port import AbstractBus
from wuyi_core.clock import SettableClock
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.loops import Loop
from wuyi_core.relay import Relay
from wuyi_registry.api.app import create_app as registry_app
from wuyi_registry.bootstrap import build_registry
from wuyi_reporting.api.app import create_app as reporting_app
from wuyi_reporting.bootstrap import Reporting, build_reporting
from wuyi_reporting.domain.settings import ReportingSettings
from wuyi_reporting.worker import replica_loop
from wuyi_scoring.api.app import create_app as scoring_app
from wuyi_scoring.bootstrap import Scoring, build_scoring
from wuyi_scoring.worker import consumers as scoring_consumers

from conftest import drop_schema, kafka_bootstrap, open_postgres

SERVICES = ("registry", "reporting", "scoring")

SECRET = "reporting-test-secret-long-enough-for-hs256"
ZONE = ReportingSettings().zone
DAY = date(2026, 3, 10)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


@dataclass
class Stack:
    http: httpx.AsyncClient
    reporting: Reporting
    scoring: Scoring
    clock: SettableClock
    tokens: TokenService
    day: date = DAY
    bus: AbstractBus | None = None
    relays: tuple[Relay, ...] = ()
    root: FastAPI | None = None  # the mounted services, for clients of other addresses

    def client_at(self, address: str) -> httpx.AsyncClient:
        """An HTTP client calling from ``address`` (as the services see the peer)."""
        assert self.root is not None
        transport = httpx.ASGITransport(app=self.root, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://wuyi.test")

    @staticmethod
    def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
        return at(hour, minute, day)

    def move_to(self, hour: int, minute: int = 0, day: date = DAY) -> None:
        self.clock.set(at(hour, minute, day))

    def auth(
        self, role: str = "county_admin", scope: str | None = None, tenant: str = "t1"
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(tenant, Role(role), scope, role)}"}

    async def post(self, path: str, body: object, **who: str | None) -> httpx.Response:
        return await self.http.post(path, json=body, headers=self.auth(**who))  # type: ignore[arg-type]

    async def put(self, path: str, body: object, **who: str | None) -> httpx.Response:
        return await self.http.put(path, json=body, headers=self.auth(**who))  # type: ignore[arg-type]

    async def get(self, path: str, **who: str | None) -> httpx.Response:
        return await self.http.get(path, headers=self.auth(**who))  # type: ignore[arg-type]

    async def created(self, path: str, body: dict) -> dict:
        response = await self.post(path, body)
        assert response.status_code == 201, response.text
        return response.json()

    async def replicated(self, grid_or_entity_id: str) -> None:
        """Wait until the registry replicas of reporting and scoring have seen the id (the bus
        is asynchronous)."""
        async with asyncio.timeout(10):
            for db in (self.reporting.store.db, self.scoring.store.db):
                while not await _replicated(db, grid_or_entity_id):
                    await asyncio.sleep(0.02)

    async def report(
        self,
        grid_id: str,
        day: date = DAY,
        zero: bool = True,
        counts: dict | None = None,
        **who: str | None,
    ) -> httpx.Response:
        body = {"grid_id": grid_id, "date": day.isoformat(), "zero": zero, "counts": counts}
        return await self.post("/reporting/v1/grid-reports", body, **who)


async def _replicated(db: AbstractDatabase, key: str) -> bool:
    async with db.read() as conn:
        return bool(
            await conn.fetchval("SELECT COUNT(*) FROM registry_entities WHERE id = $1", key)
            or await conn.fetchval("SELECT COUNT(*) FROM registry_grids WHERE id = $1", key)
        )


@asynccontextmanager
async def running_stack(mode: str, tmp_path, prefix: str) -> AsyncIterator[Stack]:
    """``sqlite`` and ``postgres``: the embedded bus over each database; ``kafka``: PostgreSQL
    with every log relayed to a real Kafka and every consumer reading from it."""
    clock = SettableClock(at(8, 0, date(2026, 2, 1)))
    if mode == "sqlite":
        dbs = [await SQLiteDatabase.open(tmp_path / f"{n}.db") for n in SERVICES]
    else:
        suffix = uuid.uuid4().hex[:8]
        dbs = [await open_postgres(f"{n}_{suffix}") for n in SERVICES]
    registry = await build_registry(dbs[0], clock)
    reporting = await build_reporting(dbs[1], clock)
    scoring = await build_scoring(dbs[2], clock)
    stores = {"registry": registry.store, "reporting": reporting.store, "scoring": scoring.store}
    tokens = TokenService(SECRET)  # tokens live in real time; the services in the test clock
    root = FastAPI()
    root.mount("/registry", registry_app(registry, tokens))
    root.mount("/reporting", reporting_app(reporting, tokens))
    root.mount("/scoring", scoring_app(scoring, tokens))
    stop = asyncio.Event()
    loops: list[Loop] = []
    relays: tuple[Relay, ...] = ()
    if mode == "kafka":
        bus: AbstractBus = KafkaBus(kafka_bootstrap(), SERVICES, prefix=prefix)
        publisher = bus.publisher()
        assert publisher is not None
        relays = tuple(Relay(store, publisher, service=name) for name, store in stores.items())
        await publisher.start()
        for relay in relays:
            await relay.migrate()
            loops.append(lambda stop, relay=relay: relay.run(stop, poll=0.05))
    else:
        bus = EmbeddedBus(stores)
    loops.append(replica_loop(reporting, bus))
    loops += [runner.run for runner in scoring_consumers(scoring, bus)]
    tasks = [asyncio.create_task(loop(stop)) for loop in loops]
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=root), base_url="http://wuyi.test"
        ) as http:
            yield Stack(http, reporting, scoring, clock, tokens, bus=bus, relays=relays, root=root)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        if mode == "kafka":
            await publisher.stop()
        for db in dbs:
            if mode != "sqlite":
                await drop_schema(db)
            await db.close()
