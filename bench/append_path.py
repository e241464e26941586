"""Issue 12, benchmark 1: the append path. Daily reports through HTTP → ``wuyi serve
reporting`` → PostgreSQL → the relay to Kafka, at 16 and 64 clients, with one and with two API
replicas against one PostgreSQL, beside the raw single-row INSERT rate of the same PostgreSQL at
the same concurrency (measured right after each run). While each run lasts, ``pg_stat_activity``
is sampled for backends waiting on a lock (the append lock is an advisory lock, so its waits show
as wait_event_type 'Lock'): the sum estimates the time spent waiting for locks.

Then a paced run at half the 16-client rate (open loop: requests sent on a fixed schedule
whatever the answers) for the latency at half load, and a run against a reporting replica
started under py-spy, whose flame graph is the append path's profile.

Each run submits one report per level-3 grid for a day of its own (reports are one per grid and
day), so ``--grids`` is the number of reports per run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    LockSampler,
    drop_topics,
    fresh_database,
    identity,
    latency,
    needs_services,
    raw_insert_rate,
    record,
    say,
    topic_prefix,
)
from bench.deploy import Lags, Proc, bulk_registry, roster_rows, shape_for, wait_replicated

ZONE = dt.timezone(dt.timedelta(hours=8))


async def submit(
    clients: list[httpx.AsyncClient], grids: list[str], day: str, concurrency: int
) -> tuple[list[float], float, int, list[str]]:
    """Closed loop: ``concurrency`` workers, each posting the next report as soon as the last
    one is answered; worker k talks to replica k mod len(clients)."""
    jobs = list(grids)
    latencies: list[float] = []
    failures: list[str] = []

    async def worker(http: httpx.AsyncClient) -> None:
        while jobs:
            grid = jobs.pop()
            started = time.perf_counter()
            response = await http.post(
                "/reporting/v1/grid-reports", json={"grid_id": grid, "date": day, "zero": True}
            )
            latencies.append(time.perf_counter() - started)
            if response.status_code != 201:
                failures.append(f"{response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker(clients[k % len(clients)]) for k in range(concurrency)))
    return latencies, time.perf_counter() - started, len(failures), failures[:1]


async def paced(
    http: httpx.AsyncClient, grids: list[str], day: str, rate: float
) -> tuple[list[float], float, int]:
    """Open loop: report k is sent at start + k / rate, whether or not earlier ones returned."""
    latencies: list[float] = []
    failures = 0
    gate = asyncio.Semaphore(512)

    async def one(grid: str) -> None:
        nonlocal failures
        async with gate:
            started = time.perf_counter()
            response = await http.post(
                "/reporting/v1/grid-reports", json={"grid_id": grid, "date": day, "zero": True}
            )
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 201

    began = time.perf_counter()
    tasks = []
    for k, grid in enumerate(grids):
        delay = began + k / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(grid)))
    await asyncio.gather(*tasks)
    return latencies, time.perf_counter() - began, failures


async def drained(lags: Lags, timeout: float = 300) -> float | None:
    """Seconds until reporting's relay has published the whole log; None if the lag could not
    be read as zero within ``timeout`` (a kernel whose relay keeps its checkpoint otherwise)."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            while (await lags.relay()) not in (0, None):
                await asyncio.sleep(0.05)
    except TimeoutError:
        say("  the relay lag did not read zero; relay_drain_s left empty")
        return None
    return time.perf_counter() - started


def client(base: str, headers: dict[str, str], concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=120)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    url, bootstrap = needs_services()
    prefix = topic_prefix()
    started = time.perf_counter()
    sizes = {
        "grids": args.grids,
        "concurrency": args.concurrency,
        "replicas": args.replicas,
        "raw_rows": args.raw_rows,
    }
    result = identity("append_path", sizes)
    procs: list[Proc] = []
    today = dt.datetime.now(ZONE).date()
    days = [(today - dt.timedelta(days=n)).isoformat() for n in range(8)]
    try:
        async with fresh_database(url) as database, Lags(database, bootstrap, prefix) as lags:

            async def start(*a: Any, **k: Any) -> Proc:
                proc = Proc(database, prefix, *a, **k)
                procs.append(proc)
                return await proc.start()

            registry = await start("registry")
            first = await start("reporting")
            await start("reporting", worker=True)  # the registry replica, from Kafka
            headers = registry.token()
            say(f"[append] registering a roster with {args.grids} level-3 grids")
            levels = await bulk_registry(database, roster_rows(*shape_for(args.grids)))
            grids = levels["3"][: args.grids]
            async with client(first.base, headers, 4) as http:
                await wait_replicated(http, grids[-1], days[0])
            runs = []
            day = 0
            second: Proc | None = None
            for replicas in args.replicas:
                if replicas == 2 and second is None:
                    second = await start("reporting")
                bases = [first.base] + ([second.base] if second and replicas == 2 else [])
                for concurrency in args.concurrency:
                    say(f"[append] {concurrency} clients, {replicas} replica(s), day {days[day]}")
                    https = [client(b, headers, concurrency) for b in bases]
                    try:
                        async with LockSampler(database) as locks:
                            lat, elapsed, failures, first_failure = await submit(
                                https, grids, days[day], concurrency
                            )
                        drain = await drained(lags)
                    finally:
                        for http in https:
                            await http.aclose()
                    raw = await raw_insert_rate(
                        database, max(args.raw_rows, len(grids)), concurrency
                    )
                    rate = len(lat) / elapsed
                    run = {
                        "clients": concurrency,
                        "replicas": replicas,
                        "day": days[day],
                        "reports": len(lat),
                        "failures": failures,
                        "first_failure": first_failure,
                        "elapsed_s": round(elapsed, 2),
                        "reports_per_s": round(rate, 1),
                        **{k: v for k, v in latency(lat).items() if k != "count"},
                        "relay_drain_s": None if drain is None else round(drain, 2),
                        "reports_per_s_to_kafka": (
                            None if drain is None else round(len(lat) / (elapsed + drain), 1)
                        ),
                        "raw_inserts_per_s": round(raw, 1),
                        "ratio_to_raw_insert": round(rate / raw, 4),
                        **locks.figures(elapsed),
                    }
                    say(f"  {json.dumps(run, ensure_ascii=False)}")
                    runs.append(run)
                    day += 1
            result["runs"] = runs
            base = next(r for r in runs if r["replicas"] == 1)
            pace = max(1.0, base["reports_per_s"] / 2)
            say(f"[append] paced at {pace:.1f}/s (half the {base['clients']}-client rate)")
            async with client(first.base, headers, 512) as http:
                lat, elapsed, failures = await paced(http, grids, days[day], pace)
            day += 1
            result["half_load"] = {
                "target_rate": round(pace, 1),
                "achieved_rate": round(len(lat) / elapsed, 1),
                "failures": failures,
                **latency(lat),
            }
            say(f"  {result['half_load']}")
            if args.profile:
                profile = Path(args.profile)
                say(f"[append] profiling a reporting replica under py-spy → {profile}")
                profiled = await start("reporting", profile=profile)
                async with client(profiled.base, headers, base["clients"]) as http:
                    lat, elapsed, failures, _ = await submit(
                        [http], grids, days[day], base["clients"]
                    )
                profiled.stop()
                result["profile"] = {
                    "path": str(profile),
                    "clients": base["clients"],
                    "reports": len(lat),
                    "reports_per_s_under_py_spy": round(len(lat) / elapsed, 1),
                    "written": profile.exists(),
                }
    finally:
        for proc in reversed(procs):
            proc.stop()
        await drop_topics(bootstrap, prefix)
    result["runtime_s"] = round(time.perf_counter() - started, 1)
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--grids", type=int, default=1000, help="level-3 grids = reports per run")
    p.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    p.add_argument("--replicas", type=int, nargs="+", default=[1, 2], choices=[1, 2])
    p.add_argument("--raw-rows", type=int, default=3000, help="rows of each raw INSERT baseline")
    p.add_argument("--profile", help="flame graph (.svg) or speedscope (.json) file; none: skip")
    return p


if __name__ == "__main__":
    outcome = asyncio.run(main(parser().parse_args()))
    record(outcome)
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
