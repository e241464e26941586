"""The moments of a database fault (servers stopped and started) and, sampled every half second
meanwhile, how far the registry's relay had published and how much of it reporting's registry
replica had applied: from these, how long each part took to resume."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from wuyi_reporting.bootstrap import REPLICA

from tests.faults.client_load import Answers
from tests.faults.own_postgres import OwnPostgres

RELAYED = "SELECT position FROM registry.checkpoints WHERE name = 'relay'"
APPLIED = "SELECT COUNT(*) FROM reporting.processed_events WHERE consumer = $1"


@dataclass
class Timeline:
    registry: OwnPostgres  # the registry's server
    services: OwnPostgres  # reporting's and scoring's server
    marks: dict[str, float] = field(default_factory=dict)
    # (when, registry events relayed, reporting's replica applied); None: server away
    samples: list[tuple[float, int | None, int | None]] = field(default_factory=list)

    async def stop(self, server: OwnPostgres, label: str) -> float:
        await server.stop()
        return self._mark(f"{label} stopped")

    async def start(self, server: OwnPostgres, label: str) -> float:
        await server.start()
        return self._mark(f"{label} started")

    def _mark(self, what: str) -> float:
        self.marks[what] = time.monotonic()
        return self.marks[what]

    @staticmethod
    async def sleep_until(moment: float) -> None:
        await asyncio.sleep(max(0.0, moment - time.monotonic()))

    async def sample(self, stop: asyncio.Event) -> None:
        """Sample until ``stop`` (each value is None while its server is away)."""
        while not stop.is_set():
            relayed = await _value(self.registry.url, RELAYED)
            applied = await _value(self.services.url, APPLIED, REPLICA)
            self.samples.append((time.monotonic(), relayed, applied))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)

    async def replica_has(self, grids: list[str]) -> bool:
        sql = "SELECT COUNT(*) FROM reporting.registry_grids WHERE id = ANY($1)"
        return bool(await _value(self.services.url, sql, grids) == len(grids))

    def resumed(self, answers: Answers) -> dict[str, Any]:
        """Seconds after its server was back until each API accepted a write again; events
        relayed to the consumers while their database was away; seconds after it was back
        until reporting's replica applied one again and until it had applied them all."""
        away, back = self.marks["services stopped"], self.marks["services started"]
        known, before, moved, caught_up = 0, 0, None, None
        for at, relayed, applied in self.samples:
            known = relayed if relayed is not None else known
            if applied is None:
                continue
            if at < away:
                before = applied
            elif at > back and moved is None and applied > before:
                moved = at
            if at > back and caught_up is None and applied >= known:
                caught_up = at
        arrived = max(relayed or 0 for at, relayed, _ in self.samples if at < back) - before

        def since(moment: float | None, origin: float) -> float | None:
            return None if moment is None else round(moment - origin, 1)

        registry_back = self.marks["registry started"]
        return {
            "registry_api_resumed_s": since(
                answers.first_accepted("registry", registry_back), registry_back
            ),
            "reporting_api_resumed_s": since(answers.first_accepted("reporting", back), back),
            "arrived_while_away": arrived,
            "replica_resumed_s": since(moved, back),
            "replica_caught_up_s": since(caught_up, back),
        }


async def _value(url: str, sql: str, *args: Any) -> Any:
    """One value, or None while the server is away (or the table not made yet)."""
    try:
        conn = await asyncpg.connect(url, timeout=2)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        return None
    try:
        return await conn.fetchval(sql, *args)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, asyncpg.InternalClientError):
        return None  # InternalClientError: the connection died mid-query as the server stopped
    finally:
        with contextlib.suppress(Exception):
            await conn.close()
