"""The faust reporting worker loses nothing when its handler fails: the event is retried, then
parked in ``dead_letters`` while the stream goes on, and replaying it later applies it."""

from __future__ import annotations

import asyncio
import signal
import subprocess

import httpx
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_reporting.bootstrap import REPLICA

from conftest import wuyi_command
from tests.e2e.test_distributed_registry import Service, fresh_database  # noqa: F401


async def until(db: PostgresDatabase, sql: str, timeout: float = 60) -> None:
    async with asyncio.timeout(timeout):
        while True:
            async with db.read() as conn:
                try:
                    if await conn.fetchval(sql):
                        return
                except Exception:  # the table may not exist yet
                    pass
            await asyncio.sleep(0.3)


async def test_a_failing_replica_handler_parks_the_event_and_the_worker_goes_on(
    fresh_database,  # noqa: F811
    topic_prefix,
):
    registry = await Service(fresh_database, topic_prefix, "registry").start()
    worker = Service(fresh_database, topic_prefix, "reporting").worker()
    db = await PostgresDatabase.open(fresh_database, "reporting")
    try:
        async with httpx.AsyncClient(base_url=registry.base, headers=registry.token()) as http:
            county = (
                await http.post("/registry/v1/entities", json={"name": "县", "kind": "county"})
            ).json()
            town = (
                await http.post(
                    "/registry/v1/entities",
                    json={"name": "镇", "kind": "township", "parent_id": county["id"]},
                )
            ).json()
            await until(db, f"SELECT 1 FROM registry_entities WHERE id = '{town['id']}'")
            async with db.transaction() as conn:  # the handler's table vanishes: grids fail
                await conn.execute("ALTER TABLE registry_grids RENAME TO registry_grids_away")
            grid = (
                await http.post(
                    "/registry/v1/grids", json={"name": "一级", "level": 1, "entity_id": town["id"]}
                )
            ).json()
            village = (
                await http.post(
                    "/registry/v1/entities",
                    json={"name": "村", "kind": "village", "parent_id": town["id"]},
                )
            ).json()
            await until(db, f"SELECT 1 FROM registry_entities WHERE id = '{village['id']}'")
        await until(
            db,
            f"SELECT 1 FROM dead_letters WHERE event_id IS NOT NULL"
            f" AND envelope LIKE '%{grid['id']}%'",
        )

        async with db.transaction() as conn:  # the cause is fixed; replay the parked event
            await conn.execute("ALTER TABLE registry_grids_away RENAME TO registry_grids")
        listed = subprocess.run(
            [wuyi_command(), "dead-letters", "list"],
            env=registry.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert REPLICA in listed.stderr and "UndefinedTable" in listed.stderr
        replayed = subprocess.run(
            [wuyi_command(), "dead-letters", "replay"],
            env=registry.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert replayed.returncode == 0 and "replayed 1" in replayed.stderr
        async with db.read() as conn:
            assert (
                await conn.fetchval("SELECT name FROM registry_grids WHERE id = $1", grid["id"])
                == "一级"
            )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        registry.stop()
        await db.close()
