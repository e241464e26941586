"""kill -9 of the scoring worker while it starts or works (``kill9.py`` says how the series
runs): every title whose holder has a case is delisted exactly once, and the public lists say
why."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
from typing import Any

import httpx
import pytest

from conftest import wuyi_command
from tests.e2e.test_distributed_registry import Service, fresh_database  # noqa: F401
from tests.faults.kill9 import TRIALS, processed, random_moment, record_series, until
from tests.faults.processes import Workload, kill9, projections_differing, seeded, sql, stop

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


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
                await random_moment(rng, trial, lambda: processed(url, "scoring"))
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
    record_series("scoring worker", seed, workload, failures, titles=len(holders))
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
