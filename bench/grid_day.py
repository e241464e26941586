"""Issue 12, benchmark 4: a province's day. ``--grids`` level-3 grids under level-2 and
level-1 grids (the demo generator's three-level roster, appended to the registry's log), then
one day's reports of every grid (level 3 first, then the level-2 rollups; level-1 grids
submit none), submitted by ``--concurrency`` clients as fast as ``wuyi serve reporting``
takes them, with the reporting worker and the scoring worker (which consumes the reporting
topic) running.

Sampled every second from outside: reports answered in that second, their p50/p99 latency, the
events in reporting's log not yet relayed to Kafka, and the records of the reporting topic not
yet consumed by each consumer group; sampling goes on after the last report until every lag is
zero. Targets (200,000 grids): all reports in at most 6 minutes, lag zero within a minute of the
last report. The baseline beside the rate is the raw single-row INSERT rate at the same
concurrency, measured after the day.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import time
from typing import Any

import httpx

from bench.common import (
    drop_topics,
    fresh_database,
    identity,
    latency,
    ms,
    needs_services,
    percentile,
    raw_insert_rate,
    record,
    say,
    topic_prefix,
)
from bench.deploy import Lags, Proc, bulk_registry, roster_rows, shape_for, wait_replicated

ZONE = dt.timezone(dt.timedelta(hours=8))


class Series:
    """What each second of the day looked like."""

    def __init__(self) -> None:
        self.latencies: list[tuple[float, float]] = []  # (answered at, seconds)
        self.failures = 0
        self.points: list[dict[str, Any]] = []
        self.began = time.perf_counter()

    async def sample(self, lags: Lags, stop: asyncio.Event) -> None:
        seen = 0
        while not stop.is_set():
            tick = time.perf_counter()
            window = self.latencies[seen:]
            seen += len(window)
            relay = await lags.relay()
            consumers = await lags.consumers()
            self.points.append(
                {
                    "t": round(tick - self.began, 2),
                    "answered": len(window),
                    "p50_ms": ms(percentile([w[1] for w in window], 50)),
                    "p99_ms": ms(percentile([w[1] for w in window], 99)),
                    "relay_lag": relay,
                    "consumer_lag": consumers,
                    "lag": (relay or 0) + sum(consumers.values()),
                }
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, 1.0 - (time.perf_counter() - tick)))


async def submit(
    http: httpx.AsyncClient, jobs: list[str], day: str, concurrency: int, series: Series
) -> None:
    queue = list(reversed(jobs))

    async def worker() -> None:
        while queue:
            grid = queue.pop()
            started = time.perf_counter()
            response = await http.post(
                "/reporting/v1/grid-reports", json={"grid_id": grid, "date": day, "zero": True}
            )
            now = time.perf_counter()
            series.latencies.append((now, now - started))
            if response.status_code != 201:
                series.failures += 1
                if series.failures == 1:
                    say(f"  first failure: {response.status_code} {response.text[:200]}")

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def main(args: argparse.Namespace) -> dict[str, Any]:
    url, bootstrap = needs_services()
    prefix = topic_prefix()
    started = time.perf_counter()
    sizes = {"grids": args.grids, "concurrency": args.concurrency}
    result = identity("grid_day", sizes)
    procs: list[Proc] = []
    day = dt.datetime.now(ZONE).date().isoformat()
    try:
        async with fresh_database(url) as database, Lags(database, bootstrap, prefix) as lags:

            async def start(*a: Any, **k: Any) -> Proc:
                proc = Proc(database, prefix, *a, **k)
                procs.append(proc)
                return await proc.start()

            registry = await start("registry")
            reporting = await start("reporting")
            await start("reporting", worker=True)
            await start("scoring", worker=True)
            headers = registry.token()
            shape = shape_for(args.grids)
            rows = roster_rows(*shape)
            say(f"[grid-day] registering {len(rows)} roster rows (shape {shape})")
            began = time.perf_counter()
            levels = await bulk_registry(database, rows)
            result["import_s"] = round(time.perf_counter() - began, 1)
            result["grids_by_level"] = {k: len(v) for k, v in levels.items()}
            limits = httpx.Limits(
                max_connections=args.concurrency, max_keepalive_connections=args.concurrency
            )
            async with httpx.AsyncClient(
                base_url=reporting.base, headers=headers, limits=limits, timeout=300
            ) as http:
                await wait_replicated(http, levels["3"][-1], day)
                result["replicated_s"] = round(time.perf_counter() - began, 1)
                jobs = levels["3"] + levels["2"]  # level-1 grids receive, submit none
                say(f"[grid-day] {len(jobs)} reports from {args.concurrency} clients")
                series = Series()
                stop = asyncio.Event()
                sampler = asyncio.create_task(series.sample(lags, stop))
                await submit(http, jobs, day, args.concurrency, series)
                submitted = time.perf_counter() - series.began
                say(f"  submitted in {submitted:.1f} s; waiting for lag zero")
                lag_zero: float | None = None
                try:
                    async with asyncio.timeout(args.lag_timeout):
                        while True:
                            await asyncio.sleep(0.5)
                            last = series.points[-1] if series.points else None
                            if last and last["t"] > submitted and last["lag"] == 0:
                                break
                    lag_zero = time.perf_counter() - series.began
                except TimeoutError:
                    say(f"  lag not back to zero within {args.lag_timeout} s")
                stop.set()
                await sampler
            raw = await raw_insert_rate(database, max(5000, len(jobs) // 10), args.concurrency)
            lat = [w[1] for w in series.latencies]
            rate = len(lat) / submitted
            result.update(
                {
                    "reports": len(lat),
                    "failures": series.failures,
                    "submitted_s": round(submitted, 1),
                    "reports_per_s": round(rate, 1),
                    **{k: v for k, v in latency(lat).items() if k != "count"},
                    "lag_zero_s": None if lag_zero is None else round(lag_zero, 1),
                    "lag_zero_after_last_s": (
                        None if lag_zero is None else round(lag_zero - submitted, 1)
                    ),
                    "max_lag": max((p["lag"] for p in series.points), default=0),
                    "raw_inserts_per_s": round(raw, 1),
                    "ratio_to_raw_insert": round(rate / raw, 4),
                    "projected_200k_s": round(200_000 * len(jobs) / len(levels["3"]) / rate, 1),
                    "load_avg_1m_end": round(os.getloadavg()[0], 2),
                    "series": series.points,
                }
            )
    finally:
        for proc in reversed(procs):
            proc.stop()
        await drop_topics(bootstrap, prefix)
    result["runtime_s"] = round(time.perf_counter() - started, 1)
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--grids", type=int, default=200_000, help="level-3 grids of the province")
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--lag-timeout", type=float, default=900, help="s to wait for lag zero")
    return p


if __name__ == "__main__":
    outcome = asyncio.run(main(parser().parse_args()))
    record(outcome)
    summary = {k: v for k, v in outcome.items() if k != "series"}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
