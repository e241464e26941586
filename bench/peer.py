"""Issue 12, benchmark 2: the peer. One workload written twice, run side by side on the same
PostgreSQL: each command appends one event (a grid's day report, a new stream each) and a
projection follows the log (reports counted per grid, in a PostgreSQL table).

- ours: ``wuyi_core``'s ``EventStore`` (``asyncpg``) from ``--concurrency`` asyncio tasks, and a
  ``Projector`` catching up as events arrive; the real ``GridReportSubmitted`` event.
- the peer: the ``eventsourcing`` library (``eventsourcing[postgres]``: its
  ``PostgresApplicationRecorder`` on psycopg, the library's documented way of running on
  PostgreSQL) from as many threads, one aggregate created and saved per command, and a
  ``ProjectionRunner`` with a ``PostgresTrackingRecorder`` view following the application.

Append rate: commands/s while the projection follows. Rebuild rate: a fresh projection (a new
generation of ours, a new view and tracking table of the peer's) filled from the whole log,
events/s. The ratios ours ÷ peer are the figures (targets: ≥ 1 on append, ≥ 3 on rebuild).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import threading
import time
import uuid
from functools import singledispatchmethod
from typing import Any
from urllib.parse import urlparse

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection as PeerProjection
from eventsourcing.projection import ProjectionRunner
from psycopg.sql import SQL, Identifier
from wuyi_contracts.reporting import GridReportSubmitted
from wuyi_core.db.port import AbstractConnection
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent
from wuyi_core.eventstore.records import StoredEvent
from wuyi_core.projection import Projection, Projector, Tables

from bench.common import fresh_database, identity, latency, needs_services, record, say

# --- the peer -------------------------------------------------------------------------------


class GridReport(Aggregate):
    @event("Submitted")
    def __init__(self, grid_id: str, day: str, zero: bool) -> None:
        self.grid_id = grid_id
        self.day = day
        self.zero = zero


class Reports(Application[uuid.UUID]):
    def submit(self, grid_id: str, day: str) -> uuid.UUID:
        report = GridReport(grid_id, day, True)
        self.save(report)
        return report.id


class CountsView(PostgresTrackingRecorder):
    """Reports per grid, beside the tracking table, in one transaction per event."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.counts = self.tracking_table_name.replace("_tracking", "_counts")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0}.{1} (grid_id text PRIMARY KEY, reports int)"
            ).format(Identifier(self.datastore.schema), Identifier(self.counts))
        )
        self.increment = SQL(
            "INSERT INTO {0}.{1} VALUES (%(grid)s, 1) "
            "ON CONFLICT (grid_id) DO UPDATE SET reports = {0}.{1}.reports + 1"
        ).format(Identifier(self.datastore.schema), Identifier(self.counts))

    def count(self, grid_id: str, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._insert_tracking(curs, tracking)
            curs.execute(self.increment, {"grid": grid_id})


class GridCounts(PeerProjection[CountsView]):
    name = "gridcounts"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)

    @process_event.register
    def _(self, domain_event: GridReport.Submitted, tracking: Tracking) -> None:
        self.view.count(domain_event.grid_id, tracking)  # type: ignore[attr-defined]


class GridCountsRebuilt(GridCounts):
    name = "gridcountsrebuilt"


def peer_env(database: str, pool: int) -> dict[str, str]:
    u = urlparse(database)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": u.path.lstrip("/"),
        "POSTGRES_HOST": u.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(u.port or 5432),
        "POSTGRES_USER": u.username or "postgres",
        "POSTGRES_PASSWORD": u.password or "",
        "POSTGRES_POOL_SIZE": str(pool),
        "POSTGRES_MAX_OVERFLOW": "0",
        "CREATE_TABLE": "y",
    }


def run_peer(database: str, commands: int, concurrency: int, grids: int) -> dict[str, Any]:
    env = peer_env(database, concurrency + 2)
    latencies: list[float] = []
    remaining = [commands]
    guard = threading.Lock()
    with ProjectionRunner(
        application_class=Reports, projection_class=GridCounts, view_class=CountsView, env=env
    ) as runner:
        app = runner.app

        def worker(k: int) -> None:
            while True:
                with guard:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                    n = remaining[0]
                started = time.perf_counter()
                app.submit(f"grid-{n % grids}", "2026-03-10")
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        head = app.recorder.max_notification_id()
        runner.wait(head, timeout=600)
        followed = time.perf_counter() - started
    with ProjectionRunner(
        application_class=Reports,
        projection_class=GridCountsRebuilt,
        view_class=CountsView,
        env=env,
    ) as rebuild:
        started = time.perf_counter()
        rebuild.wait(head, timeout=1800)
        rebuilt = time.perf_counter() - started
        view = rebuild.view
        with view.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT SUM(reports) AS n FROM {0}").format(Identifier(view.counts)))
            row = curs.fetchone()
            total = int(row["n"]) if row and row["n"] is not None else 0
    return {
        "commands": commands,
        "append_s": round(elapsed, 3),
        "append_per_s": round(commands / elapsed, 1),
        **{f"append_{k}": v for k, v in latency(latencies).items() if k != "count"},
        "projection_caught_up_s": round(followed, 3),
        "rebuild_events": head,
        "rebuild_s": round(rebuilt, 3),
        "rebuild_per_s": round((head or 0) / rebuilt, 1),
        "rebuilt_total": total,
    }


# --- ours -----------------------------------------------------------------------------------


class CountsProjection(Projection):
    name = "grid-counts"
    ddl = {
        "grid_counts": [
            "CREATE TABLE IF NOT EXISTS {t} (grid_id TEXT PRIMARY KEY, reports INTEGER NOT NULL)"
        ]
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        if event.type.endswith("grid_report.submitted.v1"):
            await conn.execute(
                f"INSERT INTO {t['grid_counts']} VALUES ($1, 1) ON CONFLICT (grid_id) "
                f"DO UPDATE SET reports = {t['grid_counts']}.reports + 1",
                event.data["grid_id"],
            )


async def run_ours(database: str, commands: int, concurrency: int, grids: int) -> dict[str, Any]:
    db = await PostgresDatabase.open(database, "ours", max_size=concurrency + 2)
    try:
        store = EventStore(db)
        await store.migrate()
        projector = Projector(store, CountsProjection())
        await projector.migrate()
        woken = asyncio.Event()
        store.on_append(woken.set)
        stop = asyncio.Event()

        async def follow() -> None:
            while not stop.is_set():
                woken.clear()
                if await projector.catch_up() == 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(woken.wait(), 0.5)

        follower = asyncio.create_task(follow())
        remaining = [commands]
        latencies: list[float] = []
        metadata = EventMetadata.system("bench-peer")
        now = dt.datetime.now(dt.UTC)

        async def worker() -> None:
            while remaining[0] > 0:
                remaining[0] -= 1
                n = remaining[0]
                report = str(uuid.uuid4())
                data = GridReportSubmitted(
                    report_id=report,
                    grid_id=f"grid-{n % grids}",
                    entity_id="entity",
                    level=3,
                    date=dt.date(2026, 3, 10),
                    deadline=now,
                    zero=True,
                    counts=None,
                    on_time=True,
                    submitted_at=now,
                )
                started = time.perf_counter()
                await store.append("t1", f"grid_report:{report}", 0, [NewEvent(data)], metadata)
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        async with asyncio.timeout(600):  # the projection has counted every command
            while True:
                async with db.read() as conn:
                    tables = await projector.tables(conn)
                    counted = await conn.fetchval(
                        f"SELECT COALESCE(SUM(reports), 0) FROM {tables['grid_counts']}"
                    )
                if int(counted) >= commands:
                    break
                await asyncio.sleep(0.01)
        followed = time.perf_counter() - started
        stop.set()
        woken.set()
        await follower
        started = time.perf_counter()
        applied = await projector.rebuild()
        rebuilt = time.perf_counter() - started
        async with db.read() as conn:
            tables = await projector.tables(conn)
            total = int(await conn.fetchval(f"SELECT SUM(reports) FROM {tables['grid_counts']}"))
        return {
            "commands": commands,
            "append_s": round(elapsed, 3),
            "append_per_s": round(commands / elapsed, 1),
            **{f"append_{k}": v for k, v in latency(latencies).items() if k != "count"},
            "projection_caught_up_s": round(followed, 3),
            "rebuild_events": applied,
            "rebuild_s": round(rebuilt, 3),
            "rebuild_per_s": round(applied / rebuilt, 1),
            "rebuilt_total": total,
        }
    finally:
        await db.close()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    url, _ = needs_services()
    started = time.perf_counter()
    sizes = {"commands": args.commands, "concurrency": args.concurrency, "grids": args.grids}
    result = identity("peer", sizes)
    async with fresh_database(url) as database:
        say(f"[peer] ours: {args.commands} commands from {args.concurrency} tasks")
        ours = await run_ours(database, args.commands, args.concurrency, args.grids)
        say(f"  {ours}")
    async with fresh_database(url) as database:
        say(f"[peer] eventsourcing: {args.commands} commands from {args.concurrency} threads")
        peer = await asyncio.to_thread(
            run_peer, database, args.commands, args.concurrency, args.grids
        )
        say(f"  {peer}")
    result["ours"] = ours
    result["peer"] = peer
    result["ratio_append"] = round(ours["append_per_s"] / peer["append_per_s"], 3)
    result["ratio_rebuild"] = round(ours["rebuild_per_s"] / peer["rebuild_per_s"], 3)
    result["runtime_s"] = round(time.perf_counter() - started, 1)
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--commands", type=int, default=5000)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--grids", type=int, default=500)
    return p


if __name__ == "__main__":
    outcome = asyncio.run(main(parser().parse_args()))
    record(outcome)
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
