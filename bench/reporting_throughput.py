"""Sustained daily-report submissions through the distributed reporting service, beside the
raw single-row insert rate of the same PostgreSQL (the ratio is the figure).

Starts ``wuyi serve registry``, ``wuyi serve reporting`` and its faust worker on a fresh
database (the relay to Kafka running all along), registers a
township with villages and level-3 grids, waits until reporting has them from Kafka, then
submits one report per grid and day from ``--concurrency`` clients and records every latency.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.test_distributed_registry import Service  # noqa: E402

RESULTS = ROOT / "bench" / "results"


async def fresh_database(url: str) -> str:
    name = f"wuyi_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return f"{url.rpartition('/')[0]}/{name}"


async def raw_insert_rate(url: str, rows: int, concurrency: int) -> float:
    """Single-row autocommit INSERTs from ``concurrency`` connections: the database's own pace."""
    pool = await asyncpg.create_pool(url, min_size=concurrency, max_size=concurrency)
    await pool.execute("CREATE TABLE raw_insert (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    queue = list(range(rows))
    payload = json.dumps({"zero": True, "counts": None})

    async def worker() -> None:
        while queue:
            queue.pop()
            await pool.execute("INSERT INTO raw_insert VALUES ($1, $2)", uuid.uuid4().hex, payload)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return rows / elapsed


async def build_county(http: httpx.AsyncClient, grids: int) -> tuple[list[str], str]:
    async def post(path: str, body: dict) -> dict:
        response = await http.post(path, json=body)
        response.raise_for_status()
        return response.json()

    county = await post("/registry/v1/entities", {"name": "基准县", "kind": "county"})
    town = await post(
        "/registry/v1/entities", {"name": "基准镇", "kind": "township", "parent_id": county["id"]}
    )
    level1 = await post("/registry/v1/grids", {"name": "一级", "level": 1, "entity_id": town["id"]})
    ids: list[str] = []
    for v in range((grids + 4) // 5):
        village = await post(
            "/registry/v1/entities", {"name": f"村{v}", "kind": "village", "parent_id": town["id"]}
        )
        level2 = await post(
            "/registry/v1/grids",
            {
                "name": f"二级{v}",
                "level": 2,
                "entity_id": village["id"],
                "parent_grid_id": level1["id"],
            },
        )
        for g in range(min(5, grids - len(ids))):
            grid = await post(
                "/registry/v1/grids",
                {
                    "name": f"网格{g}",
                    "level": 3,
                    "entity_id": village["id"],
                    "parent_grid_id": level2["id"],
                },
            )
            ids.append(grid["id"])
    return ids, county["id"]


async def submit_all(
    http: httpx.AsyncClient, grids: list[str], days: list[str], concurrency: int
) -> tuple[list[float], float, int]:
    jobs = [(g, d) for d in days for g in grids]
    latencies: list[float] = []
    failures = 0
    first_failure: list[str] = []

    async def worker() -> None:
        nonlocal failures
        while jobs:
            grid, day = jobs.pop()
            started = time.perf_counter()
            response = await http.post(
                "/reporting/v1/grid-reports", json={"grid_id": grid, "date": day, "zero": True}
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                failures += 1
                first_failure.append(f"{response.status_code} {response.text[:300]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    if first_failure:
        print("first failure:", first_failure[0], file=sys.stderr)
    return latencies, time.perf_counter() - started, failures


async def wait_replicated(http: httpx.AsyncClient, grid: str, day: str) -> None:
    async with asyncio.timeout(60):
        while (
            await http.get(f"/reporting/v1/grid-reports/rollup?grid_id={grid}&date={day}")
        ).status_code != 200:
            await asyncio.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def main(args: argparse.Namespace) -> dict:
    url = os.environ.get("WUYI_DATABASE_URL")
    if not url or not os.environ.get("WUYI_KAFKA_BOOTSTRAP"):
        sys.exit("needs PostgreSQL and Kafka: scripts/dev-services up && source .dev-services/env")
    database = await fresh_database(url)
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    registry = await Service(database, prefix, "registry").start()
    reporting = await Service(database, prefix, "reporting").start()
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "wuyi"), "serve", "reporting", "--worker"],
        env=reporting.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = registry.token()
        limits = httpx.Limits(max_connections=args.concurrency)
        async with httpx.AsyncClient(base_url=registry.base, headers=headers) as http:
            grids, _ = await build_county(http, args.grids)
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
        days = [(today - dt.timedelta(days=n)).isoformat() for n in range(args.days)]
        async with httpx.AsyncClient(
            base_url=reporting.base, headers=headers, limits=limits, timeout=60
        ) as http:
            await wait_replicated(http, grids[-1], days[0])
            latencies, elapsed, failures = await submit_all(http, grids, days, args.concurrency)
        raw = await raw_insert_rate(database, len(latencies), args.concurrency)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        reporting.stop()
        registry.stop()
    rate = len(latencies) / elapsed
    return {
        "benchmark": "reporting_throughput",
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "machine": f"{platform.machine()} {os.cpu_count()} cores",
        "grids": len(grids),
        "days": args.days,
        "concurrency": args.concurrency,
        "reports": len(latencies),
        "failures": failures,
        "reports_per_s": round(rate, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "raw_inserts_per_s": round(raw, 1),
        "ratio_to_raw_insert": round(rate / raw, 4),
    }


def record(result: dict) -> None:
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "reporting_throughput.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps(result, ensure_ascii=False) + "\n")
    (RESULTS / "reporting_throughput.md").write_text(
        "# reporting_throughput — latest run\n\n"
        f"{result['at']} · commit {result['commit']} · {result['machine']}\n\n"
        f"{result['reports']} reports ({result['grids']} level-3 grids × {result['days']} days) "
        f"from {result['concurrency']} concurrent clients through `wuyi serve reporting`:\n\n"
        "| figure | value |\n|---|---|\n"
        f"| sustained reports/s | {result['reports_per_s']} |\n"
        f"| p50 latency | {result['p50_ms']} ms |\n"
        f"| p99 latency | {result['p99_ms']} ms |\n"
        f"| raw single-row INSERT/s, same PostgreSQL, same concurrency | "
        f"{result['raw_inserts_per_s']} |\n"
        f"| ratio (reports/s ÷ raw INSERT/s) | {result['ratio_to_raw_insert']} |\n"
        f"| failed submissions | {result['failures']} |\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--grids", type=int, default=150)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=16)
    outcome = asyncio.run(main(parser.parse_args()))
    record(outcome)
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
