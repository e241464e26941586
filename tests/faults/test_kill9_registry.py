"""kill -9 of the registry API with its relay (``kill9.py`` says how the series runs): every
accepted registration is in the log once and on the topic, and the projections equal their
rebuild."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.topic_history import topic_history

from conftest import kafka_bootstrap
from tests.e2e.test_distributed_registry import Service, fresh_database, register_tree  # noqa: F401
from tests.faults.kill9 import TRIALS, record_series, until
from tests.faults.processes import Workload, kill9, projections_differing, seeded, sql

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def test_kill9_api_with_its_relay_loses_and_doubles_nothing(
    fresh_database,  # noqa: F811
    topic_prefix,
):
    url = fresh_database
    seed, rng = seeded("kill -9 registry API")
    service = await Service(url, topic_prefix, "registry").start()
    headers = service.token()
    async with httpx.AsyncClient(base_url=service.base, headers=headers) as http:
        _, town = await register_tree(http)

    async def village(http: httpx.AsyncClient, n: int) -> httpx.Response:
        body = {"name": f"村{n}", "kind": "village", "parent_id": town}
        return await http.post("/registry/v1/entities", json=body)

    workload = Workload(village)
    workload.start(service.base, headers)
    failures: list[str] = []
    try:
        for trial in range(TRIALS):
            if trial:
                await service.start()
            await asyncio.sleep(rng.uniform(0.05, 1.5))
            kill9(service.process)
            failures += await _registry_invariants(url, workload, trial)
        await workload.stop()
        await service.start()
        await until(lambda: _relayed(url), 60, "relay caught up")
        service.stop()
        failures += await _on_topic(url, topic_prefix)
        failures += await projections_differing(url, "registry")
    finally:
        await workload.stop()
        service.stop()
    record_series("registry API with its relay", seed, workload, failures)
    assert not failures, failures


async def _registry_invariants(url: str, workload: Workload, trial: int) -> list[str]:
    rows = await sql(
        url,
        "SELECT (data::jsonb)->>'entity_id' AS id FROM registry.events"
        " WHERE type LIKE '%.entity.registered.%'",
    )
    logged = [row["id"] for row in rows]
    missing = {a["id"] for a in workload.accepted} - set(logged)
    doubled = len(logged) - len(set(logged))
    found = [f"trial {trial}: accepted but not in the log: {sorted(missing)}"] if missing else []
    if doubled:
        found.append(f"trial {trial}: {doubled} registrations doubled")
    found += await projections_differing(url, "registry", f"trial {trial}: ")
    return found


async def _relayed(url: str) -> bool:
    [row] = await sql(
        url,
        "SELECT (SELECT COALESCE(MAX(position), 0) FROM registry.events) AS head,"
        " (SELECT COALESCE(MAX(position), 0) FROM registry.checkpoints WHERE name = 'relay')"
        " AS published",
    )
    return bool(row["head"] == row["published"])


async def _on_topic(url: str, prefix: str) -> list[str]:
    logged = {row["event_id"] for row in await sql(url, "SELECT event_id FROM registry.events")}
    bus = KafkaBus(kafka_bootstrap(), ["registry"], prefix=prefix)
    on_topic = {e.event_id async for batch in topic_history(bus, "registry") for e in batch}
    if logged != on_topic:
        return [f"topic differs from the log: {len(logged - on_topic)} missing"]
    return []
