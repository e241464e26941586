"""Backup and restore as docs/operations.md tells it, on the real PostgreSQL: pg_dump the
services' schemas, lose them, pg_restore, then the audit chains verify and every projection
equals its rebuild from the restored log; and a lost database's projection rebuilt from the
topic, the second copy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from wuyi_core.audit import verify_chains
from wuyi_core.auth import TokenService
from wuyi_core.bus.topic_history import topic_history
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_registry.bootstrap import build_registry
from wuyi_reporting.api.app import create_app as reporting_app
from wuyi_reporting.application.missed import sweep_missed
from wuyi_reporting.bootstrap import build_reporting
from wuyi_scoring.bootstrap import build_scoring

from conftest import database_url, drop_schema
from tests.stacks import SECRET, Stack, running_stack

pytestmark = pytest.mark.postgres


async def a_reporting_day(stack: Stack) -> dict[str, str]:
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
    g3 = await stack.created(
        "/registry/v1/grids",
        {"name": "第1网格", "level": 3, "entity_id": village["id"], "parent_grid_id": g2["id"]},
    )
    for item in (county, township, village, g1, g2, g3):
        await stack.replicated(item["id"])
    stack.move_to(16, 0)
    assert (await stack.report(g3["id"])).status_code == 201
    stack.move_to(19, 0)
    await sweep_missed(stack.reporting)
    return {"township": township["id"], "g2": g2["id"], "g3": g3["id"]}


async def reads(stack: Stack, http: httpx.AsyncClient, ids: dict[str, str]) -> list[Any]:
    """What the county reads from the projections."""
    headers = stack.auth()
    paths = [
        f"/reporting/v1/completeness?entity_id={ids['township']}&from=2026-03-03&to={stack.day}",
        f"/reporting/v1/grid-reports/{ids['g3']}/{stack.day}",
        f"/reporting/v1/grid-reports/{ids['g2']}/{stack.day}",
    ]
    answers = []
    for path in paths:
        response = await http.get(path, headers=headers)
        answers.append((response.status_code, response.json()))
    return answers


def run(*argv: str) -> None:
    tool = shutil.which(argv[0])
    if tool is None:
        pytest.fail(f"{argv[0]} is not installed (PostgreSQL client tools)")
    result = subprocess.run([tool, *argv[1:]], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


async def test_dump_drop_restore_then_chains_verify_and_projections_equal_their_rebuild(
    tmp_path: Path, topic_prefix: str
) -> None:
    url, dump = database_url(), tmp_path / "wuyi.dump"
    async with running_stack("postgres", tmp_path, topic_prefix) as stack:
        ids = await a_reporting_day(stack)
        before = await reads(stack, stack.http, ids)
        assert [status for status, _ in before] == [200, 200, 200]
        assert before[0][1]["received"] >= 1 and before[2][1]["missed"] is True
        reporting_schema = stack.reporting.store.db.schema  # type: ignore[attr-defined]
        schemas = [
            reporting_schema,
            reporting_schema.replace("reporting_", "registry_", 1),
            stack.scoring.store.db.schema,  # type: ignore[attr-defined]
        ]
        heads = {s: await db_head(url, s) for s in schemas}
        run("pg_dump", "-d", url, "-Fc", "-f", str(dump), *(f"--schema={s}" for s in schemas))
    # running_stack has dropped the schemas: the database is lost
    for schema in schemas:
        assert await db_head(url, schema) is None
    run("pg_restore", "-d", url, "--no-owner", str(dump))
    dbs = [await PostgresDatabase.open(url, s) for s in schemas]
    try:
        reporting = await build_reporting(dbs[0], stack.clock)
        registry = await build_registry(dbs[1], stack.clock)
        scoring = await build_scoring(dbs[2], stack.clock)
        for schema, store in zip(
            schemas, (reporting.store, registry.store, scoring.store), strict=True
        ):
            report = await verify_chains(store)
            assert report.ok, f"{schema}: {report.broken}"
            assert report.events == heads[schema]
        root = FastAPI()
        root.mount("/reporting", reporting_app(reporting, TokenService(SECRET)))
        transport = httpx.ASGITransport(app=root)
        async with httpx.AsyncClient(transport=transport, base_url="http://wuyi.test") as http:
            assert await reads(stack, http, ids) == before
            projectors = [registry.projector, *reporting.projectors.values()]
            projectors += list(scoring.projectors.values())
            for projector in projectors:
                await projector.rebuild()
            assert await reads(stack, http, ids) == before
    finally:
        for db in dbs:
            await drop_schema(db)
            await db.close()


async def db_head(url: str, schema: str) -> int | None:
    """Events in a schema's log, or None when the schema is gone."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        exists = await conn.fetchval(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = $1"
            " AND table_name = 'events'",
            schema,
        )
        if not exists:
            return None
        return int(await conn.fetchval(f'SELECT COUNT(*) FROM "{schema}".events'))
    finally:
        await conn.close()


@pytest.mark.kafka
async def test_a_lost_database_gets_its_public_projections_back_from_the_topic(
    tmp_path: Path, topic_prefix: str
) -> None:
    """The topics are the second copy: with reporting's database gone, a new one rebuilds every
    projection that holds no private data from ``wuyi.reporting.events`` alone, row for row what
    the lost one held (docs/operations.md, "Back up and restore")."""
    async with running_stack("kafka", tmp_path, topic_prefix) as stack:
        await a_reporting_day(stack)
        for relay in stack.relays:
            await relay.drain()
        fresh = await PostgresDatabase.open(database_url(), f"reporting_new_{topic_prefix[1:9]}")
        try:
            rebuilt = await build_reporting(fresh, stack.clock)
            public = [n for n, p in rebuilt.projectors.items() if not p.projection.uses_private]
            assert "completeness" in public
            assert stack.bus is not None
            for name in public:
                applied = await rebuilt.projectors[name].rebuild(
                    source=topic_history(stack.bus, "reporting")
                )
                assert applied == len(await stack.reporting.store.read_log(0, 100_000))
                # Writes no longer bring projections current (a read catches up what it reads)
                await stack.reporting.projectors[name].catch_up()
                live = await rows(stack.reporting.projectors[name])
                assert await rows(rebuilt.projectors[name]) == live
                assert name != "completeness" or len(live["reports"]) > 1
        finally:
            await drop_schema(fresh)
            await fresh.close()


async def rows(projector: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row of a projection's tables, in a stable order."""
    async with projector.store.db.read() as conn:
        tables = await projector.tables(conn)
        return {
            logical: sorted(
                (dict(r) for r in await conn.fetch(f"SELECT * FROM {physical}")),
                key=lambda r: sorted(r.items(), key=str).__str__(),
            )
            for logical, physical in tables.items()
        }
