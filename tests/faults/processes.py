"""Helpers of the kill -9 trials: seeded randomness, processes killed at random moments, a
workload that records what the system accepted, and the checks every trial ends with."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.projection import Projector
from wuyi_registry.bootstrap import Registry, build_registry
from wuyi_reporting.bootstrap import Reporting, build_reporting
from wuyi_scoring.bootstrap import Scoring, build_scoring


def seeded(name: str) -> tuple[int, random.Random]:
    """A random generator whose seed is printed (``WUYI_FAULT_SEED`` replays a failure)."""
    seed = int(os.environ.get("WUYI_FAULT_SEED") or random.randrange(2**32))
    print(f"{name}: seed {seed} (WUYI_FAULT_SEED={seed} replays it)")
    return seed, random.Random(seed)


def kill9(process: subprocess.Popen[Any] | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)


def stop(process: subprocess.Popen[Any] | None) -> None:
    """SIGTERM, then SIGKILL if it does not end in 30 s."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill9(process)


@dataclass
class Workload:
    """Sends commands until stopped; keeps what was accepted (2xx) and every other answer."""

    command: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused: dict[int, int] = field(default_factory=dict)  # status -> count
    unreachable: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    def start(self, base: str, headers: dict[str, str]) -> None:
        self._task = asyncio.create_task(self._run(base, headers))

    async def _run(self, base: str, headers: dict[str, str]) -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10) as http:
            n = 0
            while not self._stop.is_set():
                n += 1
                try:
                    response = await self.command(http, n)
                except httpx.TransportError:  # the process is down (or being killed)
                    self.unreachable += 1
                    await asyncio.sleep(0.05)
                    continue
                if response.is_success:
                    self.accepted.append(response.json())
                else:
                    self.refused[response.status_code] = (
                        self.refused.get(response.status_code, 0) + 1
                    )

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


async def sql(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    """Rows of ``query``; none while its tables do not exist yet (a process killed before its
    first migration)."""
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(query, *args))
    except (asyncpg.UndefinedTableError, asyncpg.InvalidSchemaNameError):
        return []
    finally:
        await conn.close()


async def projections_differing(url: str, service: str, label: str = "") -> list[str]:
    """The projections of ``service`` that, brought current, differ from their rebuild from the
    log (each a line naming it); empty when all of them match."""
    db = await PostgresDatabase.open(url, service)
    try:
        built = await BUILDERS[service](db)
        projectors = (
            {built.projector.projection.name: built.projector}
            if isinstance(built, Registry)
            else built.projectors
        )
        found = []
        for name, projector in projectors.items():
            await projector.catch_up()
            live = await _contents(projector)
            await projector.rebuild()
            if live != await _contents(projector):
                found.append(f"{label}projection {name} differs from its rebuild")
        return found
    finally:
        await db.close()


BUILDERS: dict[str, Callable[[PostgresDatabase], Awaitable[Registry | Reporting | Scoring]]] = {
    "registry": build_registry,
    "reporting": build_reporting,
    "scoring": build_scoring,
}


async def _contents(projector: Projector) -> dict[str, list[str]]:
    async with projector.store.db.read() as conn:
        tables = await projector.tables(conn)
        return {
            table: sorted(
                json.dumps(dict(row), sort_keys=True, default=str)
                for row in await conn.fetch(f"SELECT * FROM {physical}")
            )
            for table, physical in tables.items()
        }
