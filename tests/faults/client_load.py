"""Clients that keep writing to the services' HTTP APIs and keep every answer: accepted (2xx,
with the id returned), unavailable (503, which must carry ``Retry-After``), or a failure
(anything else, a 500 above all, or no answer at all).

Each request sends its own ``X-Correlation-ID``; the events it caused carry it in their
metadata, so the log can be held against the answers: an accepted request wrote exactly one
event, a refused one wrote nothing (or, if the database went away between its commit and its
answer, its whole write).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

PAUSE_AFTER_503 = 0.2  # seconds: the load goes on through the outage without spinning
PACE = 0.05  # seconds between a client's accepted writes: steady load, not a flood


@dataclass
class Answers:
    accepted: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id, cid)
    unavailable: list[str] = field(default_factory=list)  # cids answered 503
    without_retry_after: int = 0
    failures: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # cids of the failures
    statuses: Counter[int] = field(default_factory=Counter)
    times: list[tuple[float, str, int]] = field(default_factory=list)  # (when, service, status)

    def ids(self, kind: str) -> list[str]:
        return [id_ for k, id_, _ in self.accepted if k == kind]

    def first_accepted(self, service: str, after: float) -> float | None:
        return next(
            (t for t, s, code in self.times if s == service and t > after and code < 300), None
        )


@dataclass
class Client:
    """One service's API, a token, and the shared ``Answers``."""

    http: httpx.AsyncClient
    service: str
    answers: Answers

    async def post(self, kind: str, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The created resource on 2xx; None on 503 (after a short pause) or a failure."""
        cid = str(uuid.uuid4())
        try:
            response = await self.http.post(path, json=body, headers={"X-Correlation-ID": cid})
        except httpx.HTTPError as err:
            self.answers.statuses[0] += 1
            self._failed(cid, f"POST {path}: {type(err).__name__}: {err}")
            return None
        self.answers.statuses[response.status_code] += 1
        self.answers.times.append((time.monotonic(), self.service, response.status_code))
        if response.is_success:
            created: dict[str, Any] = response.json()
            self.answers.accepted.append((kind, str(created["id"]), cid))
            return created
        if response.status_code == 503:
            self.answers.unavailable.append(cid)
            if "retry-after" not in response.headers:
                self.answers.without_retry_after += 1
            await asyncio.sleep(PAUSE_AFTER_503)
            return None
        self._failed(cid, f"POST {path} -> {response.status_code}: {response.text[:500]}")
        return None

    def _failed(self, cid: str, what: str) -> None:
        self.answers.failures.append(what)
        self.answers.failed.append(cid)


async def village_with_grid(registry: Client, township: str, grid: str, name: str) -> str | None:
    """A village under the township, then its level-2 grid under ``grid``; the grid's id."""
    village = await registry.post(
        "entity",
        "/registry/v1/entities",
        {"name": name, "kind": "village", "parent_id": township},
    )
    if village is None:
        return None
    created = await registry.post(
        "grid",
        "/registry/v1/grids",
        {"name": "二级", "level": 2, "entity_id": village["id"], "parent_grid_id": grid},
    )
    return None if created is None else str(created["id"])


async def register_villages(
    registry: Client, township: str, grid: str, writer: int, stop: asyncio.Event
) -> None:
    """Until ``stop``: villages with their grids."""
    n = 0
    while not stop.is_set():
        n += 1
        if await village_with_grid(registry, township, grid, f"村{writer}-{n}") is not None:
            await asyncio.sleep(PACE)


async def submit_reports(reporting: Client, grids: list[str], stop: asyncio.Event) -> None:
    """Until ``stop``: today's zero report of each grid in turn (a second one corrects it)."""
    n = 0
    while not stop.is_set():
        grid = grids[n % len(grids)]
        n += 1
        body = {"grid_id": grid, "date": today().isoformat(), "zero": True}
        if await reporting.post("report", "/reporting/v1/grid-reports", body) is not None:
            await asyncio.sleep(PACE)


def today() -> dt.date:
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
