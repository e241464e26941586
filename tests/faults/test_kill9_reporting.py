"""kill -9 of the reporting worker (faust) while it starts or works (``kill9.py`` says how the
series runs): its registry replica always holds exactly what it recorded as processed, and
catches up with nothing parked."""

from __future__ import annotations

import asyncio
import json
import subprocess

import httpx
import pytest

from tests.e2e.test_distributed_registry import Service, fresh_database, register_tree  # noqa: F401
from tests.faults.kill9 import TRIALS, processed, random_moment, record_series, until
from tests.faults.processes import Workload, kill9, projections_differing, seeded, sql, stop

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def test_kill9_reporting_worker_keeps_its_replica_exact(
    fresh_database,  # noqa: F811
    topic_prefix,
):
    url = fresh_database
    seed, rng = seeded("kill -9 reporting worker")
    registry = await Service(url, topic_prefix, "registry").start()
    reporting = Service(url, topic_prefix, "reporting")
    headers = registry.token()
    async with httpx.AsyncClient(base_url=registry.base, headers=headers) as http:
        _, town = await register_tree(http)

    async def entity_or_grid(http: httpx.AsyncClient, n: int) -> httpx.Response:
        await asyncio.sleep(0.02)
        if n % 2:
            body = {"name": f"村{n}", "kind": "village", "parent_id": town}
            return await http.post("/registry/v1/entities", json=body)
        grid = {"name": f"网格{n}", "level": 1, "entity_id": town}
        return await http.post("/registry/v1/grids", json=grid)

    workload = Workload(entity_or_grid)
    workload.start(registry.base, headers)
    failures: list[str] = []
    worker: subprocess.Popen[bytes] | None = None
    try:
        for trial in range(TRIALS):
            worker = reporting.worker()
            await random_moment(rng, trial, lambda: processed(url, "reporting"))
            kill9(worker)
            failures += await _replica_invariants(url, trial)
        await workload.stop()
        worker = reporting.worker()
        await until(lambda: _replica_complete(url), 120, "replica caught up")
        stop(worker)
        failures += await _replica_invariants(url, TRIALS)
        parked = await sql(url, "SELECT event_id, error FROM reporting.dead_letters")
        failures += [f"parked: {row['event_id']}: {row['error']}" for row in parked]
        failures += await projections_differing(url, "reporting")
    finally:
        await workload.stop()
        kill9(worker)
        registry.stop()
    record_series("reporting worker (faust)", seed, workload, failures)
    assert not failures, failures


async def _replica_invariants(url: str, trial: int) -> list[str]:
    """The replica holds exactly the registrations its consumer recorded as processed."""
    processed = {
        row["event_id"]
        for row in await sql(
            url,
            "SELECT event_id FROM reporting.processed_events"
            " WHERE consumer = 'reporting.registry-replica'",
        )
    }
    events = await sql(url, "SELECT event_id, type, data FROM registry.events")
    expected: dict[str, set[str]] = {"entity": set(), "grid": set()}
    for event in events:
        kind, change = event["type"].split(".")[3:5]
        if change == "registered" and event["event_id"] in processed:
            expected[kind].add(json.loads(event["data"])[f"{kind}_id"])
    found = []
    for kind in ("entity", "grid"):
        table = "registry_entities" if kind == "entity" else "registry_grids"
        rows = await sql(url, f"SELECT id FROM reporting.{table}")
        if {row["id"] for row in rows} != expected[kind]:
            found.append(f"trial {trial}: reporting's {table} differs from its processed events")
    return found


async def _replica_complete(url: str) -> bool:
    rows = await sql(
        url,
        "SELECT (SELECT COUNT(*) FROM registry.events WHERE type LIKE '%.registered.%') AS logged,"
        " (SELECT COUNT(*) FROM reporting.registry_entities)"
        " + (SELECT COUNT(*) FROM reporting.registry_grids) AS replicated",
    )
    return bool(rows) and rows[0]["logged"] == rows[0]["replicated"]
