"""What every benchmark of issue 12 shares: where results go, the run's identity (machine,
versions, commit, sizes), percentiles, and throwaway databases and topics that are always
removed again.

Results are appended, one JSON object a line, to ``<results>/<benchmark>.jsonl``; ``<results>``
is ``bench/results`` unless ``WUYI_BENCH_RESULTS`` names another folder (the smoke test uses a
temporary one, so that it never touches the committed results).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager, suppress
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def results_dir() -> Path:
    folder = Path(os.environ.get("WUYI_BENCH_RESULTS") or ROOT / "bench" / "results")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def needs_services() -> tuple[str, str]:
    url = os.environ.get("WUYI_DATABASE_URL")
    bootstrap = os.environ.get("WUYI_KAFKA_BOOTSTRAP")
    if not url or not bootstrap:
        sys.exit("needs PostgreSQL and Kafka: source .dev-services/env (scripts/dev-services up)")
    return url, bootstrap


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "--no-optional-locks", *args], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in (
        "wuyi",
        "asyncpg",
        "aiokafka",
        "fastapi",
        "uvicorn",
        "eventsourcing",
        "psycopg",
        "matplotlib",
    ):
        with suppress(metadata.PackageNotFoundError):
            out[package] = metadata.version(package)
    return out


def machine() -> dict[str, Any]:
    memory = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            memory = int(info.readline().split()[1]) // 1024
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "arch": platform.machine(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "kernel": platform.release(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def identity(benchmark: str, sizes: dict[str, Any]) -> dict[str, Any]:
    """The fields every result line starts with."""
    dirty = git("status", "--porcelain", "--", "core", "contracts", "services", "wuyi")
    return {
        "benchmark": benchmark,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "subject": git("log", "-1", "--format=%s")[:120],
        "dirty": bool(dirty),
        "label": os.environ.get("WUYI_BENCH_LABEL", ""),
        "smoke": os.environ.get("WUYI_BENCH_SMOKE") == "1",
        "machine": machine(),
        "versions": versions(),
        "sizes": sizes,
    }


def record(result: dict[str, Any]) -> Path:
    path = results_dir() / f"{result['benchmark']}.jsonl"
    with open(path, "a", encoding="utf-8") as log:
        log.write(json.dumps(result, ensure_ascii=False) + "\n")
    return path


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def latency(values: list[float]) -> dict[str, float]:
    return {
        "count": len(values),
        "p50_ms": ms(percentile(values, 50)),
        "p99_ms": ms(percentile(values, 99)),
        "p999_ms": ms(percentile(values, 99.9)),
        "max_ms": ms(max(values)) if values else 0.0,
        "mean_ms": ms(statistics.fmean(values)) if values else 0.0,
    }


@asynccontextmanager
async def fresh_database(url: str) -> AsyncIterator[str]:
    """A database of its own (the services' schema names are fixed), dropped afterwards."""
    name = f"wuyi_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"{url.rpartition('/')[0]}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def drop_topics(bootstrap: str, prefix: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


def topic_prefix() -> str:
    return f"bench{uuid.uuid4().hex[:6]}."


async def raw_insert_rate(url: str, rows: int, concurrency: int) -> float:
    """Single-row autocommit INSERTs from ``concurrency`` connections into a throwaway table:
    the database's own pace, the baseline of every append figure."""
    table = f"raw_insert_{uuid.uuid4().hex[:8]}"
    pool = await asyncpg.create_pool(url, min_size=concurrency, max_size=concurrency)
    assert pool is not None
    try:
        await pool.execute(f"CREATE TABLE {table} (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
        remaining = [rows]
        payload = json.dumps({"zero": True, "counts": None})

        async def worker() -> None:
            while remaining[0] > 0:
                remaining[0] -= 1
                await pool.execute(
                    f"INSERT INTO {table} VALUES ($1, $2)", uuid.uuid4().hex, payload
                )

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        await pool.execute(f"DROP TABLE {table}")
    finally:
        await pool.close()
    return rows / elapsed


class LockSampler:
    """Samples ``pg_stat_activity`` every ``interval`` s while running: backends of the given
    database waiting on a heavyweight lock (advisory locks included). The sum of
    waiting-backend samples × interval estimates the total time spent waiting for locks."""

    def __init__(self, url: str, interval: float = 0.02) -> None:
        self.url = url
        self.interval = interval
        self.samples = 0
        self.waiting = 0
        self.max_waiting = 0
        self.events: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def __aenter__(self) -> LockSampler:
        self._conn = await asyncpg.connect(self.url)
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        while not self._stop.is_set():
            rows = await self._conn.fetch(
                "SELECT wait_event FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            self.samples += 1
            self.waiting += len(rows)
            self.max_waiting = max(self.max_waiting, len(rows))
            for row in rows:
                self.events[row["wait_event"]] = self.events.get(row["wait_event"], 0) + 1
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        if self._task:
            await self._task
        await self._conn.close()

    def figures(self, elapsed: float) -> dict[str, Any]:
        mean = self.waiting / self.samples if self.samples else 0.0
        return {
            "lock_samples": self.samples,
            "lock_waiting_mean": round(mean, 2),
            "lock_waiting_max": self.max_waiting,
            "lock_wait_s": round(mean * elapsed, 2),
            "lock_wait_events": self.events,
        }
