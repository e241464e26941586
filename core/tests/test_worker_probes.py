"""A worker's probes (``wuyi_core.probes``), served by the real server on a real port: liveness
answers while the database is out of reach and readiness does not (issue #13: "readiness that
reflects its real dependencies (database, Kafka) and liveness that does not"); a consumer whose
subscription cannot start (Kafka out of reach) makes the worker not ready until it runs; the
faust worker is not ready before its consumer group joined and while it rebalances."""

from __future__ import annotations

import asyncio
import uuid

import faust
import httpx
from wuyi_core.bus.embedded import EmbeddedBus
from wuyi_core.bus.port import AbstractSubscription, Delivery
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.eventstore import EventStore
from wuyi_core.loops import running
from wuyi_core.probes import ProbeServer
from wuyi_core.supervision import Supervisor

from conftest import database_url, drop_schema
from core.tests.faults.proxy import Outage
from wuyi.distributed import faust_group_check

FAST = Supervisor(backoff=0.01, max_backoff=0.05, unready_after=100, settled=5)


async def _get(probes: ProbeServer, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{probes.port}") as http:
        return await http.get(path)


async def _until(probes: ProbeServer, path: str, status: int) -> httpx.Response:
    for _ in range(200):
        response = await _get(probes, path)
        if response.status_code == status:
            return response
        await asyncio.sleep(0.02)
    raise AssertionError(f"{path} never answered {status}: {response.text}")


class Unreachable(AbstractSubscription):
    """A real embedded subscription whose start fails ``failures`` times, as aiokafka's does
    while no broker answers."""

    def __init__(self, inner: AbstractSubscription, failures: int) -> None:
        self.inner = inner
        self.failures = failures

    async def start(self) -> None:
        if self.failures:
            self.failures -= 1
            await asyncio.sleep(0.05)
            raise ConnectionError("Unable to bootstrap from [('kafka', 9092)]")
        await self.inner.start()

    async def next_batch(self, timeout: float) -> list[Delivery]:
        return await self.inner.next_batch(timeout)

    async def commit(self, deliveries: list[Delivery]) -> None:  # type: ignore[override]
        await self.inner.commit(deliveries)

    async def stop(self) -> None:
        await self.inner.stop()

    async def lag(self) -> int:
        return await self.inner.lag()


async def test_worker_liveness_holds_through_a_database_outage_and_readiness_does_not():
    proxy, url = await Outage.for_url(database_url())
    db = await PostgresDatabase.open(url, f"t_{uuid.uuid4().hex[:12]}")
    probes = ProbeServer("scoring", db, host="127.0.0.1", port=0)
    await probes.start()
    try:
        assert (await _get(probes, "/scoring/health")).status_code == 200
        ready = await _get(probes, "/scoring/ready")
        assert ready.status_code == 200 and ready.json() == {
            "service": "scoring",
            "ready": True,
            "problems": {},
        }
        await proxy.cut()
        health = await _get(probes, "/scoring/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        ready = await _get(probes, "/scoring/ready")
        assert ready.status_code == 503 and "database" in ready.json()["problems"]
        await proxy.restore()
        await _until(probes, "/scoring/ready", 200)
        metrics = await _get(probes, "/scoring/metrics")
        assert metrics.status_code == 200 and metrics.headers["content-type"].startswith(
            "text/plain"
        )
        assert (await _get(probes, "/registry/health")).status_code == 404
    finally:
        await probes.stop()
        await proxy.restore()
        await drop_schema(db)
        await db.close()
        await proxy.cut()


async def test_a_consumer_that_cannot_reach_its_broker_keeps_the_worker_not_ready(db):
    store = EventStore(db)
    await store.migrate()
    subscription = Unreachable(EmbeddedBus({"registry": store}).subscribe("c", ["registry"], db), 3)
    runner = ConsumerRunner("probe-test.replica", db, subscription, _ignore)
    await runner.migrate()
    probes = ProbeServer("notifier", db, host="127.0.0.1", port=0)
    await probes.start()
    try:
        async with running([runner.run], FAST):
            ready = await _until(probes, "/notifier/ready", 503)
            [(component, problem)] = ready.json()["problems"].items()
            assert component == "consumer:probe-test.replica:bus"
            assert "Unable to bootstrap" in problem or "not started" in problem
            assert (await _get(probes, "/notifier/health")).status_code == 200
            await _until(probes, "/notifier/ready", 200)  # its subscription runs now
        assert subscription.failures == 0
    finally:
        await probes.stop()


async def test_the_faust_worker_is_ready_only_once_its_group_joined_and_not_rebalancing(db):
    app = faust.App(f"probe-test-{uuid.uuid4().hex[:6]}", broker="kafka://127.0.0.1:1")
    probes = ProbeServer(
        "reporting", db, host="127.0.0.1", port=0, checks=(faust_group_check(app),)
    )
    await probes.start()
    try:
        ready = await _get(probes, "/reporting/ready")
        assert ready.status_code == 503 and ready.json()["problems"] == {
            "kafka": "consumer group not joined yet"
        }
        app.rebalancing_count, app.rebalancing = 1, True
        ready = await _get(probes, "/reporting/ready")
        assert ready.json()["problems"] == {"kafka": "consumer group rebalancing"}
        app.rebalancing = False
        assert (await _get(probes, "/reporting/ready")).status_code == 200
    finally:
        await probes.stop()


async def _ignore(envelope, conn):  # type: ignore[no-untyped-def]
    return None
