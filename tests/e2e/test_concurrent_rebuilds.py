"""Rebuilds of one projection started together from the ``wuyi`` command, embedded (SQLite
files shared by the processes) and distributed (PostgreSQL): one at a time, the others refused
clearly, and the projection ends as one rebuild makes it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from wuyi_contracts.registry import EntityRegistered, EntityRenamed
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.store import tenant_lock

from conftest import wuyi_command
from tests.e2e.test_distributed_registry import fresh_database  # noqa: F401
from wuyi.services import Services, services_for

TOGETHER = 3
# Enough events that a rebuild outlasts the spread of the processes' start-up (a few seconds).
ENTITIES, RENAMES = 1000, 9
META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")
REBUILD = ("projections", "rebuild", "registry", "--source", "log")


class Deployment:
    def __init__(self, data: Path | None, url: str | None) -> None:
        self.data = data
        self.env = {k: v for k, v in os.environ.items() if k != "WUYI_KAFKA_BOOTSTRAP"}
        if url is not None:
            self.env["WUYI_DATABASE_URL"] = url
        self.where = ["--data", str(data)] if data is not None else []

    @asynccontextmanager
    async def services(self, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
        monkeypatch.setenv("WUYI_DATABASE_URL", self.env.get("WUYI_DATABASE_URL", ""))
        async with services_for(self.data) as services:
            yield services

    def start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [wuyi_command(), *REBUILD, *self.where],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@pytest.fixture(params=["sqlite", "postgres"])
def deployment(request, tmp_path) -> Deployment:
    if request.param == "sqlite":
        return Deployment(tmp_path, None)
    return Deployment(None, request.getfixturevalue("fresh_database"))


async def register_entities(services: Services) -> None:
    """Entities renamed a few times: a registration applied twice cannot be inserted."""
    store = services.stores["registry"]
    for first in range(0, ENTITIES, 250):
        async with store.db.transaction(lock=tenant_lock("t1")) as conn:
            for n in range(first, first + 250):
                entity = f"rebuild-{n}"
                events = [EntityRegistered(entity_id=entity, name="0", kind="unit", parent_id=None)]
                events += [
                    EntityRenamed(entity_id=entity, name=str(i), previous_name=str(i - 1))
                    for i in range(1, RENAMES + 1)
                ]
                await store.append_in(conn, "t1", entity, 0, list(map(NewEvent, events)), META)


async def content(services: Services) -> dict[str, list[Any]]:
    """Every row of the registry projection's live tables, in a stable order."""
    projector = services.projectors["registry"]
    async with projector.store.db.read() as conn:
        tables = await projector.tables(conn)
        return {
            table: sorted(map(repr, await conn.fetch(f"SELECT * FROM {name}")))
            for table, name in tables.items()
        }


def finished_or_refused(result: subprocess.CompletedProcess[str]) -> bool:
    if result.returncode == 0:
        return "rebuilt from the log and swapped in" in result.stderr
    return (
        "正在重建" in result.stderr
        and "already being rebuilt" in result.stderr
        and "Traceback" not in result.stderr
    )


def together(deployment: Deployment, count: int) -> list[subprocess.CompletedProcess[str]]:
    processes = [deployment.start() for _ in range(count)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


async def test_rebuilds_started_together_run_one_at_a_time(deployment, monkeypatch):
    async with deployment.services(monkeypatch) as services:
        await register_entities(services)
    results = together(deployment, TOGETHER)
    assert all(map(finished_or_refused, results)), [r.stderr for r in results]
    assert any(r.returncode == 0 for r in results)
    async with deployment.services(monkeypatch) as services:
        after_race = await content(services)
        assert len(after_race["entities"]) == ENTITIES
    assert together(deployment, 1)[0].returncode == 0
    async with deployment.services(monkeypatch) as services:
        assert await content(services) == after_race
