"""Reporting fixtures: registry and reporting on one backend (SQLite files or PostgreSQL
schemas), joined by the embedded bus, behind HTTP, with a clock the test moves."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime

import httpx
import pytest
from fastapi import FastAPI
from wuyi_core.auth import Role, TokenService
from wuyi_core.bus.embedded import EmbeddedBus
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.port import AbstractBus
from wuyi_core.clock import SettableClock
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.relay import Relay
from wuyi_registry.api.app import create_app as registry_app
from wuyi_registry.bootstrap import build_registry
from wuyi_reporting.api.app import create_app as reporting_app
from wuyi_reporting.bootstrap import Reporting, build_reporting
from wuyi_reporting.domain.settings import ReportingSettings
from wuyi_reporting.worker import replica_loop

from conftest import drop_schema, kafka_bootstrap, open_postgres

SECRET = "reporting-test-secret-long-enough-for-hs256"
ZONE = ReportingSettings().zone
DAY = date(2026, 3, 10)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


@dataclass
class Stack:
    http: httpx.AsyncClient
    reporting: Reporting
    clock: SettableClock
    tokens: TokenService
    day: date = DAY
    bus: AbstractBus | None = None
    relays: tuple[Relay, ...] = ()

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
        """Wait until reporting's registry replica has seen the id (the bus is asynchronous)."""
        async with asyncio.timeout(10):
            while (
                await self.reporting.reads.grid("t1", grid_or_entity_id) is None
                and await self.reporting.reads.entity("t1", grid_or_entity_id) is None
            ):
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


@asynccontextmanager
async def running_stack(mode: str, tmp_path, prefix: str) -> AsyncIterator[Stack]:
    """``sqlite`` and ``postgres``: the embedded bus over each database; ``kafka``: PostgreSQL
    with the registry relayed to a real Kafka and the replica consuming from it."""
    clock = SettableClock(at(8, 0, date(2026, 2, 1)))
    if mode == "sqlite":
        dbs = [await SQLiteDatabase.open(tmp_path / f"{n}.db") for n in ("registry", "reporting")]
    else:
        suffix = uuid.uuid4().hex[:8]
        dbs = [await open_postgres(f"{n}_{suffix}") for n in ("registry", "reporting")]
    registry = await build_registry(dbs[0], clock)
    reporting = await build_reporting(dbs[1], clock)
    tokens = TokenService(SECRET)  # tokens live in real time; the services in the test clock
    root = FastAPI()
    root.mount("/registry", registry_app(registry, tokens))
    root.mount("/reporting", reporting_app(reporting, tokens))
    stop = asyncio.Event()
    loops = []
    if mode == "kafka":
        bus: AbstractBus = KafkaBus(kafka_bootstrap(), ["registry", "reporting"], prefix=prefix)
        publisher = bus.publisher()
        relays = (Relay(registry.store, publisher), Relay(reporting.store, publisher))
        await publisher.start()
        for relay in relays:
            await relay.migrate()
            loops.append(asyncio.create_task(relay.run(stop, poll=0.05)))
    else:
        bus = EmbeddedBus({"registry": registry.store, "reporting": reporting.store})
    loops.append(asyncio.create_task(replica_loop(reporting, bus)(stop)))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=root), base_url="http://wuyi.test"
        ) as http:
            yield Stack(
                http, reporting, clock, tokens, bus=bus, relays=relays if mode == "kafka" else ()
            )
    finally:
        stop.set()
        await asyncio.gather(*loops)
        if mode == "kafka":
            await publisher.stop()
        for db in dbs:
            if mode != "sqlite":
                await drop_schema(db)
            await db.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def stack(request, tmp_path, topic_prefix):
    async with running_stack(request.param, tmp_path, topic_prefix) as running:
        yield running


@pytest.fixture
async def town(stack):
    return await build_town(stack)


async def build_town(stack: Stack) -> dict[str, str]:
    """A township with one village: level-1, one level-2 and two level-3 grids, registered
    on 2026-02-01 (weeks before DAY)."""
    county = await stack.created("/registry/v1/entities", {"name": "县", "kind": "county"})
    township = await stack.created(
        "/registry/v1/entities", {"name": "东安镇", "kind": "township", "parent_id": county["id"]}
    )
    village = await stack.created(
        "/registry/v1/entities", {"name": "西山村", "kind": "village", "parent_id": township["id"]}
    )
    g1 = await stack.created(
        "/registry/v1/grids", {"name": "一级", "level": 1, "entity_id": township["id"]}
    )
    g2 = await stack.created(
        "/registry/v1/grids",
        {"name": "二级", "level": 2, "entity_id": village["id"], "parent_grid_id": g1["id"]},
    )
    g3a, g3b = [
        await stack.created(
            "/registry/v1/grids",
            {
                "name": f"第{n}网格",
                "level": 3,
                "entity_id": village["id"],
                "parent_grid_id": g2["id"],
            },
        )
        for n in (1, 2)
    ]
    for item in (county, township, village, g1, g2, g3a, g3b):
        await stack.replicated(item["id"])
    return {
        "county": county["id"],
        "township": township["id"],
        "village": village["id"],
        "g1": g1["id"],
        "g2": g2["id"],
        "g3a": g3a["id"],
        "g3b": g3b["id"],
    }
