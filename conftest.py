"""Fixtures shared by every test folder: real databases and a real Kafka broker.

Backend-dependent tests take the ``db`` fixture, parametrized over SQLite and PostgreSQL, so
each behaviour is written once and proven on both. PostgreSQL and Kafka come from
``scripts/dev-services`` (started by ``scripts/test``); when they are missing the tests that need
them fail with a message saying how to start them. They never skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.db.sqlite import SQLiteDatabase

_HOW = (
    "start them with `scripts/dev-services up` and `source .dev-services/env`, or run scripts/test"
)


def database_url() -> str:
    url = os.environ.get("WUYI_DATABASE_URL")
    if not url:
        pytest.fail(f"WUYI_DATABASE_URL is not set: these tests need a real PostgreSQL; {_HOW}")
    return url


def kafka_bootstrap() -> str:
    bootstrap = os.environ.get("WUYI_KAFKA_BOOTSTRAP")
    if not bootstrap:
        pytest.fail(f"WUYI_KAFKA_BOOTSTRAP is not set: these tests need a real Kafka; {_HOW}")
    return bootstrap


async def open_postgres(schema: str | None = None) -> PostgresDatabase:
    return await PostgresDatabase.open(database_url(), schema or f"t_{uuid.uuid4().hex[:12]}")


async def drop_schema(db: PostgresDatabase) -> None:
    async with db.transaction() as conn:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{db.schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
async def db(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[AbstractDatabase]:
    """A fresh, empty database on each backend (a new SQLite file; a new PostgreSQL schema)."""
    if request.param == "sqlite":
        database: AbstractDatabase = await SQLiteDatabase.open(tmp_path / "test.db")
        yield database
        await database.close()
    else:
        pg = await open_postgres()
        yield pg
        await drop_schema(pg)
        await pg.close()


@pytest.fixture
def topic_prefix() -> str:
    """Topics of one test, isolated from every other test on the shared broker."""
    return f"t{uuid.uuid4().hex[:10]}."


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wuyi_command() -> str:
    """The installed ``wuyi`` entry point of this environment."""
    import sys
    from pathlib import Path

    return str(Path(sys.executable).parent / "wuyi")


async def wait_for_http(url: str, timeout: float = 30) -> None:
    import asyncio

    import httpx

    async with httpx.AsyncClient() as client:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"{url} did not answer within {timeout}s")
            await asyncio.sleep(0.2)


# What runs alone, after the parallel part (scripts/test: ``-m serial``): only
# tests/e2e/test_distributed_registry.py::test_a_broker_outage_..., which stops and starts the
# SHARED broker (scripts/dev-services stop-kafka); every Kafka test beside it would fail.
# Everything else under a faults/ folder and the rest of test_distributed_registry.py runs in
# the parallel part, the long ones first (LONG_FIRST): none stops a shared server, and their
# verdicts are about what was lost, doubled, failed or parked, never how fast, with generous
# timeouts. Module by module:
# - tests/faults/test_kill9_*.py (one module per process kind) kill only processes they started
#   (their own services on a fresh database and topic prefix of the shared servers).
# - tests/faults/test_database_outage.py stops only its own two PostgreSQL servers
#   (own_postgres.py) and times the 30 s outage itself; its resume times are recorded, not
#   asserted. It held beside two browser modules at a load average of 7 on 2 cores (162 s).
# - tests/faults/test_kafka_cluster.py kills brokers of its own 3-node cluster (cluster.py).
# - tests/faults/test_poison.py and test_duplicates.py feed the shared broker under a fresh
#   topic prefix; core/tests/faults/ cuts connections through a TCP proxy of its own
#   (core/tests/faults/proxy.py), never the server.
# - the rest of test_distributed_registry.py kills only the service it started.
SERIAL = ("test_distributed_registry.py::test_a_broker_outage_delays_events_but_loses_none",)


# Modules that take minutes (a server, a browser, the demo, the benchmarks' processes), longest
# first: the workers take modules in collection order (scripts/test: ``--dist loadfile
# --no-loadscope-reorder``), so these start at once instead of being the last module of some
# worker while the others wait. The first five took 123, 94, 78, 55 and 46 s in a test command
# run at a load average of 6 (2026-12-02).
LONG_FIRST = (
    "tests/faults/test_database_outage.py",
    "tests/bench/",
    "tests/faults/test_kill9_scoring.py",
    "tests/faults/test_kill9_reporting.py",
    "tests/faults/test_kill9_registry.py",
    "tests/e2e/test_charts_browser.py",
    "tests/e2e/test_public_browser.py",
    "tests/e2e/test_county_browser.py",
    "tests/e2e/test_dashboard_browser.py",
    "tests/e2e/test_township_browser.py",
    "tests/e2e/test_distributed_registry.py",
    "tests/faults/",
    "tests/e2e/",
)


def _rank(item: pytest.Item) -> int:
    if item.get_closest_marker("serial"):
        return len(LONG_FIRST)  # the serial part keeps its order
    return next(
        (rank for rank, part in enumerate(LONG_FIRST) if part in item.nodeid), len(LONG_FIRST)
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that stop a shared server run alone, after the rest
    (``SERIAL``; scripts/test runs ``-m "not serial"`` on several workers, then ``-m serial``);
    the long modules come first (a stable sort keeps each module's own order)."""
    for item in items:
        if any(part in item.nodeid for part in SERIAL):
            item.add_marker(pytest.mark.serial)
    items.sort(key=_rank)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Every fault test's outcome goes to the fault suite's results (docs/reliability.md),
    once: under xdist the hook runs in the worker and again in the controller, which keeps it."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    if report.when == "call" and "/faults/" in report.nodeid:
        from tests.faults.record import record

        record("tests", report.nodeid, held=report.passed, seconds=round(report.duration, 1))
