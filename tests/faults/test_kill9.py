"""kill -9 at random moments, over many trials per process kind (issue #8's fault suite).

Each kind runs a workload of commands while its process is killed with SIGKILL at a random
moment and started again, ``trials(2)`` times in the test command (``WUYI_FAULT_TRIALS``
sets more: ``scripts/fault-suite`` runs 50 by default, and every stop's docs/reliability.md comes
from such a run). Two keep both kinds of moment of the workers (odd trials: while one
starts; even: while it works), for the test command's time.
Every command the system accepted (a 2xx answer) is recorded. After each trial, with the
process dead, the invariants are checked; at the end, after a last restart has caught up:

- every accepted command's event exists exactly once in its log (and on the topic);
- every consumer's effects match exactly the events it recorded as processed;
- every delisting a case requires happened exactly once;
- every projection equals its rebuild from the log.

The seed is printed; ``WUYI_FAULT_SEED`` replays a failing series.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import random
import subprocess
from typing import Any

import httpx
import pytest
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.topic_history import topic_history

from conftest import kafka_bootstrap, wuyi_command
from tests.e2e.test_distributed_registry import Service, fresh_database, register_tree  # noqa: F401
from tests.faults.processes import (
    Workload,
    kill9,
    projections_differing,
    seeded,
    sql,
    stop,
)
from tests.faults.record import record, trials

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
TRIALS = trials(2)


async def until(check: Any, timeout: float, what: str) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.3)
    print(f"  {what}: done")


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
    _record("registry API with its relay", seed, workload, failures)
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
            await _random_moment(rng, trial, lambda: _processed(url, "reporting"))
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
    _record("reporting worker (faust)", seed, workload, failures)
    assert not failures, failures


async def _random_moment(rng: random.Random, trial: int, progress: Any) -> None:
    """Odd trials kill a worker while it starts (joins its group, migrates, catches up); even
    ones once it has applied something more, at a random moment of its work."""
    if trial % 2:
        await asyncio.sleep(rng.uniform(0.1, 4.0))
        return
    before = await progress()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(60):
            while await progress() <= before:
                await asyncio.sleep(0.1)
    await asyncio.sleep(rng.uniform(0.0, 2.0))


async def _processed(url: str, schema: str) -> int:
    rows = await sql(url, f"SELECT COUNT(*) AS n FROM {schema}.processed_events")
    return int(rows[0]["n"]) if rows else 0


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


async def test_kill9_scoring_worker_delists_exactly_once(
    fresh_database,  # noqa: F811
    topic_prefix,
):
    url = fresh_database
    seed, rng = seeded("kill -9 scoring worker")
    registry = Service(url, topic_prefix, "registry")
    subprocess.run([wuyi_command(), "demo"], env=registry.env, check=True, capture_output=True)
    await registry.start()
    reporting = await Service(url, topic_prefix, "reporting").start()
    scoring = await Service(url, topic_prefix, "scoring").start()
    holders = await _public(scoring, "honor-list", "holders")
    assert len(holders) >= 2, holders
    story = await _delistings(url)  # the demo's own story delisted one village already
    villages = [
        row["id"]
        for row in await sql(url, "SELECT id FROM scoring.registry_entities WHERE kind = 'village'")
    ]
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    headers = reporting.token("demo")
    titled = [h["entity_id"] for h in holders]
    due: dict[int, list[str]] = {}  # trial -> the titled entities whose case comes in it
    for i, entity in enumerate(titled):
        due.setdefault(i * TRIALS // len(titled), []).append(entity)

    async def case_elsewhere(http: httpx.AsyncClient, n: int) -> httpx.Response:
        await asyncio.sleep(0.1)
        untitled = [v for v in villages if v not in titled]
        body = {"entity_id": rng.choice(untitled), "kind": "confirmed", "date": today}
        return await http.post("/reporting/v1/cases", json=body)

    workload = Workload(case_elsewhere)
    workload.start(reporting.base, headers)
    failures: list[str] = []
    worker: subprocess.Popen[bytes] | None = None
    try:
        async with httpx.AsyncClient(base_url=reporting.base, headers=headers) as http:
            for trial in range(TRIALS):
                worker = scoring.worker()
                for entity in due.get(trial, []):  # cases that must delist, spread out
                    body = {"entity_id": entity, "kind": "confirmed", "date": today}
                    case = await http.post("/reporting/v1/cases", json=body)
                    assert case.status_code == 201, case.text
                await _random_moment(rng, trial, lambda: _processed(url, "scoring"))
                kill9(worker)
                failures += await _delisted_at_most_once(url, trial)
        await workload.stop()
        worker = scoring.worker()
        await until(lambda: _all_delisted(scoring, titled), 120, "every titled entity delisted")
        stop(worker)
        failures += await _delisted_at_most_once(url, TRIALS)
        delisted = await _delistings(url) - story
        if len(delisted) != len(holders):
            failures.append(f"{len(delisted)} delistings for {len(holders)} titles")
        listed = await _public(scoring, "delistings", "delistings")
        reasons = {d["entity_id"]: d["reason"] for d in listed if d["entity_id"] in titled}
        if reasons != dict.fromkeys(titled, "case"):
            failures.append(f"public delisting list: {reasons}")
        failures += await projections_differing(url, "scoring")
    finally:
        await workload.stop()
        kill9(worker)
        for service in (scoring, reporting, registry):
            service.stop()
    _record("scoring worker", seed, workload, failures, titles=len(holders))
    assert not failures, failures


async def _public(scoring: Service, path: str, key: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=scoring.base) as http:
        response = await http.get(f"/scoring/v1/{path}?tenant=demo")
        assert response.status_code == 200, response.text
        return list(response.json()[key])


async def _all_delisted(scoring: Service, titled: list[str]) -> bool:
    holders = {h["entity_id"] for h in await _public(scoring, "honor-list", "holders")}
    return not holders & set(titled)


async def _delistings(url: str) -> set[str]:
    rows = await sql(url, "SELECT event_id FROM scoring.events WHERE type LIKE '%.delisted.%'")
    return {row["event_id"] for row in rows}


async def _delisted_at_most_once(url: str, trial: int) -> list[str]:
    rows = await sql(
        url,
        "SELECT stream_id, COUNT(*) AS n FROM scoring.events WHERE type LIKE '%.delisted.%'"
        " GROUP BY stream_id HAVING COUNT(*) > 1",
    )
    return [f"trial {trial}: title {row['stream_id']} delisted {row['n']} times" for row in rows]


def _record(kind: str, seed: int, workload: Workload, failures: list[str], **facts: Any) -> None:
    record(
        "kill-9",
        f"SIGKILL of the {kind} at random moments",
        process=kind,
        seed=seed,
        trials=TRIALS,
        accepted=len(workload.accepted),
        refused=workload.refused,
        held=not failures,
        failures=failures[:20],
        **facts,
    )
