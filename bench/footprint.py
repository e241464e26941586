"""Issue 12, benchmark 6: the embedded footprint. ``wuyi demo`` seeds a data folder with a
county of ``--grids`` level-3 grids and ``--days`` days of history; then ``wuyi up`` on it is
timed from spawn to its first healthy answer (ready with existing data), its resident memory is
read (RSS of the whole process tree, from /proc), and the county's next day is processed: every
level-3 and level-2 grid reports once over HTTP from ``--concurrency`` clients, timed until the
last 201, with the peak RSS over the day.

Baselines in the same run: a minimal uvicorn app (one route, same interpreter) started and
measured the same way, and the same number of single-row INSERTs into a SQLite file (WAL,
synchronous=NORMAL, as the embedded stores open theirs). Targets: ready ≤ 3 s, RSS ≤ 300 MB,
a 5,000-grid county's day ≤ 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.common import identity, latency, record, say
from bench.deploy import WUYI, die_with_parent, free_port, shape_for

BARE_APP = """
import sys, uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/health")
def health(): return {"ok": True}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status", encoding="utf-8") as status:
                kb = next((int(x.split()[1]) for x in status if x.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = kb
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return round(total / 1024, 1)


async def ready(command: list[str], url: str, timeout: float = 120) -> tuple[Any, float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    async with httpx.AsyncClient() as http, asyncio.timeout(timeout):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:3]} exited with {process.returncode}")
            try:
                if (await http.get(url)).status_code == 200:
                    return process, time.perf_counter() - started
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.02)


def stop(process: Any) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def grids_of(data: Path) -> dict[int, list[str]]:
    with sqlite3.connect(data / "registry.db") as db:
        rows = db.execute(
            "SELECT data FROM events WHERE type = 'cn.wuyi.registry.grid.registered.v1'"
        ).fetchall()
    out: dict[int, list[str]] = {1: [], 2: [], 3: []}
    for (data_json,) in rows:
        d = json.loads(data_json)
        out[int(d["level"])].append(d["grid_id"])
    return out


def sqlite_inserts(folder: Path, rows: int) -> float:
    path = folder / "baseline.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
    payload = json.dumps({"zero": True, "counts": None})
    started = time.perf_counter()
    for _ in range(rows):
        db.execute("INSERT INTO t VALUES (?, ?)", (uuid.uuid4().hex, payload))
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


async def main(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    townships, villages, per_village = shape_for(args.grids)
    sizes = {"grids": args.grids, "days": args.days, "concurrency": args.concurrency}
    result = identity("footprint", sizes)
    with tempfile.TemporaryDirectory(prefix="wuyi-bench-up-") as tmp:
        data = Path(tmp) / "data"
        say(f"[footprint] wuyi demo: {townships}×{villages}×{per_village} grids, {args.days} days")
        began = time.perf_counter()
        subprocess.run(
            [WUYI, "demo", "--data", str(data), "--townships", str(townships)]
            + ["--villages", str(villages), "--grids", str(per_village), "--days", str(args.days)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        result["seed_s"] = round(time.perf_counter() - began, 1)
        grids = grids_of(data)
        result["grids_by_level"] = {str(k): len(v) for k, v in grids.items()}
        port = free_port()
        bare_port = free_port()
        bare, bare_ready = await ready(
            [sys.executable, "-c", BARE_APP, str(bare_port)], f"http://127.0.0.1:{bare_port}/health"
        )
        bare_rss = rss_mb(bare.pid)
        stop(bare)
        say(f"[footprint] wuyi up on existing data ({sum(map(len, grids.values()))} grids)")
        up, up_ready = await ready(
            [WUYI, "up", "--data", str(data), "--port", str(port)],
            f"http://127.0.0.1:{port}/registry/health",
        )
        try:
            await asyncio.sleep(1.0)  # background loops settle
            idle_rss = rss_mb(up.pid)
            token = subprocess.run(
                [WUYI, "token", "--data", str(data), "--tenant", "demo", "--role", "county_admin"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            day = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
            jobs = list(reversed(grids[3] + grids[2]))
            latencies: list[float] = []
            failures: list[str] = []
            peak = [idle_rss]

            async def watch(done: asyncio.Event) -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mb(up.pid))
                    await asyncio.sleep(0.5)

            async def worker(http: httpx.AsyncClient) -> None:
                while jobs:
                    grid = jobs.pop()
                    t = time.perf_counter()
                    response = await http.post(
                        "/reporting/v1/grid-reports",
                        json={"grid_id": grid, "date": day, "zero": True},
                    )
                    latencies.append(time.perf_counter() - t)
                    if response.status_code != 201:
                        failures.append(f"{response.status_code} {response.text[:200]}")

            say(f"[footprint] the county's day: {len(jobs)} reports")
            done = asyncio.Event()
            watcher = asyncio.create_task(watch(done))
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            ) as http:
                began = time.perf_counter()
                await asyncio.gather(*(worker(http) for _ in range(args.concurrency)))
                day_s = time.perf_counter() - began
            done.set()
            await watcher
        finally:
            stop(up)
        baseline_s = sqlite_inserts(Path(tmp), len(latencies))
    result.update(
        {
            "ready_s": round(up_ready, 2),
            "bare_ready_s": round(bare_ready, 2),
            "ratio_ready_to_bare": round(up_ready / bare_ready, 2),
            "rss_mb": idle_rss,
            "rss_peak_mb": peak[0],
            "bare_rss_mb": bare_rss,
            "ratio_rss_to_bare": round(idle_rss / bare_rss, 2),
            "day_reports": len(latencies),
            "day_failures": len(failures),
            "first_failure": failures[:1],
            "day_s": round(day_s, 2),
            "day_per_s": round(len(latencies) / day_s, 1),
            **{f"day_{k}": v for k, v in latency(latencies).items() if k != "count"},
            "sqlite_inserts_s": round(baseline_s, 3),
            "sqlite_inserts_per_s": round(len(latencies) / baseline_s, 1),
            "ratio_day_to_sqlite_rate": round(
                len(latencies) / day_s * baseline_s / len(latencies), 4
            ),
        }
    )
    result["runtime_s"] = round(time.perf_counter() - started, 1)
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--grids", type=int, default=5000, help="level-3 grids of the county")
    p.add_argument("--days", type=int, default=14, help="days of existing history")
    p.add_argument("--concurrency", type=int, default=16)
    return p


if __name__ == "__main__":
    outcome = asyncio.run(main(parser().parse_args()))
    record(outcome)
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
