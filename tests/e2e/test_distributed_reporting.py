"""Distributed mode across two services: reporting learns the registry from Kafka, takes a
report, and publishes its own events (reports, eligibility) on ``wuyi.reporting.events``."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import subprocess

import httpx
import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from conftest import wuyi_command
from tests.e2e.test_distributed_registry import Service, consume, fresh_database  # noqa: F401


@pytest.fixture
async def services(fresh_database, topic_prefix):  # noqa: F811
    registry = await Service(fresh_database, topic_prefix, "registry").start()
    reporting = await Service(fresh_database, topic_prefix, "reporting").start()
    worker = reporting.worker()
    yield registry, reporting
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    reporting.stop()
    registry.stop()


async def test_a_grid_registered_in_registry_takes_reports_in_reporting(services, topic_prefix):
    registry, reporting = services
    headers = registry.token()
    # late deadlines: a grid registered today is expected today at any hour (after 18:00 in
    # Shanghai a level-2 grid registered now would be expected from tomorrow, and today's
    # completeness would count nothing)
    late = {"level3_deadline": "23:58", "level2_deadline": "23:59"}
    async with httpx.AsyncClient(base_url=reporting.base, headers=headers) as http:
        (await http.put("/reporting/v1/settings", json=late)).raise_for_status()
    async with httpx.AsyncClient(base_url=registry.base, headers=headers) as http:
        county = (
            await http.post("/registry/v1/entities", json={"name": "县", "kind": "county"})
        ).json()
        town = (
            await http.post(
                "/registry/v1/entities",
                json={"name": "镇", "kind": "township", "parent_id": county["id"]},
            )
        ).json()
        village = (
            await http.post(
                "/registry/v1/entities",
                json={"name": "村", "kind": "village", "parent_id": town["id"]},
            )
        ).json()
        g1 = (
            await http.post(
                "/registry/v1/grids", json={"name": "一级", "level": 1, "entity_id": town["id"]}
            )
        ).json()
        g2 = (
            await http.post(
                "/registry/v1/grids",
                json={
                    "name": "二级",
                    "level": 2,
                    "entity_id": village["id"],
                    "parent_grid_id": g1["id"],
                },
            )
        ).json()
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    async with httpx.AsyncClient(base_url=reporting.base, headers=headers) as http:
        # the registry reaches reporting through Kafka; the worker joining its consumer group
        # took over 30 s once on a machine loaded by three test workers and two browsers
        async with asyncio.timeout(90):
            while True:
                response = await http.post(
                    "/reporting/v1/grid-reports",
                    json={"grid_id": g2["id"], "date": today, "zero": True},
                )
                if response.status_code == 201:
                    break
                assert response.json()["error"]["field"] == "grid_id"
                await asyncio.sleep(0.3)
        view = (await http.get(f"/reporting/v1/eligibility/{village['id']}")).json()
    assert view["eligible"] is False  # a brand-new village has no cycle of reports yet

    # the settings change, the report and the eligibility it costs
    messages = await consume(f"{topic_prefix}wuyi.reporting.events", 3)
    types = [
        from_binary_event(
            KafkaMessage(headers=dict(m.headers), key=m.key, value=m.value)
        ).get_type()
        for m in messages
    ]
    assert "cn.wuyi.reporting.grid_report.submitted.v1" in types
    assert "cn.wuyi.reporting.eligibility.lost.v1" in types

    async with httpx.AsyncClient(base_url=reporting.base, headers=headers) as http:
        path = f"/reporting/v1/completeness?entity_id={county['id']}&date={today}"
        before = (await http.get(path)).json()
        rebuilt = subprocess.run(
            [wuyi_command(), "projections", "rebuild", "completeness"],
            env=reporting.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rebuilt.returncode == 0 and "rebuilt from the topic" in rebuilt.stderr
        assert (await http.get(path)).json() == before == {**before, "received": 1}
    refused = subprocess.run(
        [wuyi_command(), "projections", "rebuild", "reporting", "--source", "topic"],
        env=reporting.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "private data" in refused.stderr
