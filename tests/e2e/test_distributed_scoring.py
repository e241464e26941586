"""Distributed mode across the three services: scoring's worker learns of a case from Kafka and
delists the titled village, and a worker killed with SIGKILL before the case loses nothing.

The county and its awarded villages come from ``wuyi demo`` run against the distributed
deployment (its back-dated history needs a settable clock, which only the demo has); the
services then run as their own processes and relay that history to Kafka.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import subprocess

import httpx
import pytest

from conftest import wuyi_command
from tests.e2e.test_distributed_registry import Service, fresh_database  # noqa: F401


@pytest.fixture
async def deployment(fresh_database, topic_prefix):  # noqa: F811
    registry = Service(fresh_database, topic_prefix, "registry")
    subprocess.run(
        [wuyi_command(), "demo"],
        env=registry.env,
        check=True,
        capture_output=True,
    )
    await registry.start()
    reporting = await Service(fresh_database, topic_prefix, "reporting").start()
    scoring = await Service(fresh_database, topic_prefix, "scoring").start()
    yield reporting, scoring
    for service in (scoring, reporting, registry):
        service.stop()


async def public(scoring: Service, path: str) -> dict:
    async with httpx.AsyncClient(base_url=scoring.base) as http:
        response = await http.get(f"/scoring/v1/{path}?tenant=demo")
        assert response.status_code == 200, response.text
        return response.json()


async def test_a_case_reaches_a_restarted_scoring_worker_and_delists_once(deployment):
    reporting, scoring = deployment
    holders = (await public(scoring, "honor-list"))["holders"]
    assert len(holders) >= 2
    before = len((await public(scoring, "delistings"))["delistings"])
    target = holders[0]

    killed = scoring.worker()
    await asyncio.sleep(3)  # let it join the group and start consuming
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)

    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    async with httpx.AsyncClient(base_url=reporting.base, headers=reporting.token("demo")) as http:
        case = await http.post(
            "/reporting/v1/cases",
            json={"entity_id": target["entity_id"], "kind": "confirmed", "date": today},
        )
        assert case.status_code == 201, case.text

    restarted = scoring.worker()
    try:
        async with asyncio.timeout(60):
            while True:
                delistings = (await public(scoring, "delistings"))["delistings"]
                if len(delistings) > before:
                    break
                await asyncio.sleep(0.2)
        await asyncio.sleep(2)  # a duplicate would show up by now
        delistings = (await public(scoring, "delistings"))["delistings"]
        assert [d["entity_id"] for d in delistings[: len(delistings) - before]] == [
            target["entity_id"]
        ]
        assert delistings[0]["reason"] == "case"
        remaining = {h["entity_id"] for h in (await public(scoring, "honor-list"))["holders"]}
        assert target["entity_id"] not in remaining and len(remaining) == len(holders) - 1
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=60)
