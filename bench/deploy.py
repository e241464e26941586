"""The distributed deployment the append-path and grid-day benchmarks drive: ``wuyi serve``
processes on one throwaway database and one topic prefix, a county (or province) imported
through the registry's roster import, and the lags of the data path sampled from outside."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.common import ROOT, say

SECRET = "bench-secret-long-enough-for-hs256-signing"
AUDIT_KEYS = "bench:bench-audit-key-long-enough-for-hmac-0001"
WUYI = str(Path(sys.executable).parent / "wuyi")
PY_SPY = str(Path(sys.executable).parent / "py-spy")
ROSTER_CHUNK = 19_000  # the roster import takes at most 20,000 rows a file


def die_with_parent() -> None:
    """In the child before exec: SIGTERM when the benchmark dies, however it dies (Linux)."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Proc:
    """One ``wuyi serve NAME [--worker]`` process; with ``profile``, py-spy is attached to it
    once it serves and writes the flame graph when the process is stopped."""

    def __init__(
        self,
        database: str,
        prefix: str,
        name: str,
        worker: bool = False,
        profile: Path | None = None,
    ) -> None:
        self.name = name
        self.worker = worker
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "WUYI_DATABASE_URL": database,
            "WUYI_TOPIC_PREFIX": prefix,
            "WUYI_JWT_SECRET": SECRET,
            "WUYI_AUDIT_KEYS": AUDIT_KEYS,
            "WUYI_AUDIT_VERIFY_SECONDS": "0",
        }
        self.profile = profile
        self.process: subprocess.Popen[bytes] | None = None
        self.profiler: subprocess.Popen[bytes] | None = None

    async def start(self) -> Proc:
        command = [WUYI, "serve", self.name]
        command += ["--worker"] if self.worker else ["--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            preexec_fn=die_with_parent,
        )
        if not self.worker:
            await wait_for_http(f"{self.base}/{self.name}/health", self.process)
        if self.profile is not None:
            # attached once the process serves, so that start-up is not in the profile
            self.profile.parent.mkdir(parents=True, exist_ok=True)
            fmt = "speedscope" if self.profile.suffix == ".json" else "flamegraph"
            self.profiler = subprocess.Popen(
                [PY_SPY, "record", "-r", "97", "-f", fmt, "-o", str(self.profile)]
                + ["--pid", str(self.process.pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=die_with_parent,
            )
            await asyncio.sleep(1.0)  # py-spy attached and sampling
        return self

    def stop(self) -> None:
        if self.profiler is not None and self.profiler.poll() is None:
            self.profiler.send_signal(signal.SIGINT)  # py-spy writes the profile and exits
            try:
                self.profiler.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.profiler.kill()
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def token(self, tenant: str = "t1", new: bool = True) -> dict[str, str]:
        command = [WUYI, "token", "--tenant", tenant, "--role", "county_admin"]
        jwt = subprocess.run(
            command + (["--new-tenant"] if new else []),
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return {"Authorization": f"Bearer {jwt}"}


async def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(timeout):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{url}: the process exited with {process.returncode}")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)


def roster_rows(townships: int, villages: int, grids: int) -> list[dict[str, str]]:
    """A three-level roster (level-1 grid per township, level-2 per village, ``grids`` level-3
    grids per village) from the demo generator's roster."""
    from wuyi.demo import DemoSize, roster

    return [row for _, row in roster(DemoSize(townships, villages, grids, 0))]


def shape_for(grids: int) -> tuple[int, int, int]:
    """Townships, villages per township and level-3 grids per village for about ``grids``
    level-3 grids, shaped like a real county (10 grids a village, up to 40 villages a
    township)."""
    per_village = min(10, grids)
    villages = -(-grids // per_village)
    per_township = min(40, villages)
    return -(-villages // per_township), per_township, per_village


def _csv(rows: list[dict[str, str]]) -> bytes:
    columns = sorted({key for row in rows for key in row})
    out = io.StringIO()
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


async def import_roster(
    http: httpx.AsyncClient, rows: list[dict[str, str]], level3_limit: int | None = None
) -> list[str]:
    """Import the roster through ``POST /registry/v1/imports`` in files of at most
    ``ROSTER_CHUNK`` rows (parents before children); returns the level-3 grid ids."""
    levels = await import_levels(http, rows)
    return levels["3"][:level3_limit] if level3_limit else levels["3"]


async def import_levels(
    http: httpx.AsyncClient, rows: list[dict[str, str]]
) -> dict[str, list[str]]:
    """As ``import_roster``; returns the grid ids of each level ("1", "2", "3")."""
    levels: dict[str, list[str]] = {"1": [], "2": [], "3": []}
    for start in range(0, len(rows), ROSTER_CHUNK):
        chunk = rows[start : start + ROSTER_CHUNK]
        response = await http.post(
            "/registry/v1/imports",
            files={"file": ("roster.csv", _csv(chunk), "text/csv")},
            timeout=3600,
        )
        response.raise_for_status()
        report = response.json()
        if report["rejected"]:
            bad = [r for r in report["rows"] if r["status"] == "rejected"][:3]
            raise RuntimeError(f"roster rows rejected: {bad}")
        for row, result in zip(chunk, report["rows"], strict=True):
            if row["record"] == "grid" and result["id"]:
                levels[row["level"]].append(result["id"])
        say(f"  roster: {min(start + ROSTER_CHUNK, len(rows))}/{len(rows)} rows imported")
    return levels


async def wait_replicated(
    http: httpx.AsyncClient, grid: str, day: str, timeout: float = 1800
) -> None:
    """Until reporting's replica of the registry has ``grid`` (a rollup GET answers)."""
    async with asyncio.timeout(timeout):
        while (
            await http.get(f"/reporting/v1/grid-reports/rollup?grid_id={grid}&date={day}")
        ).status_code != 200:
            await asyncio.sleep(0.5)


class Lags:
    """The data path's backlog, read from outside: events in reporting's log not yet relayed
    to Kafka, and records of the reporting topic not yet consumed by each consumer group."""

    def __init__(self, database: str, bootstrap: str, prefix: str) -> None:
        self.database = database
        self.bootstrap = bootstrap
        self.prefix = prefix

    async def __aenter__(self) -> Lags:
        from aiokafka import AIOKafkaConsumer
        from aiokafka.admin import AIOKafkaAdminClient

        self.conn = await asyncpg.connect(self.database)
        self.admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await self.admin.start()
        self.consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap)
        await self.consumer.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()
        await self.admin.close()
        await self.conn.close()

    async def relay(self, schema: str = "reporting") -> int | None:
        try:
            return int(
                await self.conn.fetchval(
                    f"SELECT COALESCE((SELECT MAX(position) FROM {schema}.events), 0) - "
                    f"COALESCE((SELECT MAX(position) FROM {schema}.checkpoints "
                    "WHERE name = 'relay'), 0)"
                )
            )
        except asyncpg.PostgresError:
            return None

    async def consumers(self, service: str = "reporting") -> dict[str, int]:
        """Per consumer group of this run's prefix: records of ``service``'s topic behind."""
        from aiokafka import TopicPartition

        topic = f"{self.prefix}wuyi.{service}.events"
        groups = [
            g[0] if isinstance(g, tuple) else g.get("group_id", g)
            for g in await self.admin.list_consumer_groups()
        ]
        mine = [g for g in groups if isinstance(g, str) and g.startswith(self.prefix)]
        partitions = self.consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await self.consumer._client.force_metadata_update()  # noqa: SLF001
            partitions = self.consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in partitions]
        if not tps:
            return {}
        ends = await self.consumer.end_offsets(tps)
        out: dict[str, int] = {}
        for group in mine:
            offsets: dict[Any, Any] = await self.admin.list_consumer_group_offsets(group)
            if not any(tp.topic == topic for tp in offsets):
                continue
            out[group.removeprefix(self.prefix)] = sum(
                max(0, ends[tp] - (offsets[tp].offset if tp in offsets else 0)) for tp in tps
            )
        return out


async def bulk_registry(
    database: str, rows: list[dict[str, str]], tenant: str = "t1", concurrency: int = 16
) -> dict[str, list[str]]:
    """The roster's entities and grids appended straight to the registry's log (the setup of
    a big province over HTTP would take longer than the benchmark): the same events the
    registry's handlers append, through ``EventStore.append``, parents before children; the
    registry process's relay publishes them and the reporting worker replicates them. Returns
    the grid ids of each level."""
    from wuyi_contracts.registry import EntityRegistered, GridRegistered
    from wuyi_core.db.postgres import PostgresDatabase
    from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent
    from wuyi_core.eventstore.records import new_id

    from wuyi.services import distributed_keyring

    os.environ.setdefault("WUYI_AUDIT_KEYS", AUDIT_KEYS)
    db = await PostgresDatabase.open(database, "registry", max_size=concurrency + 1)
    store = EventStore(db, keyring=distributed_keyring())
    metadata = EventMetadata.system("bench-roster")
    ids: dict[str, str] = {}
    levels: dict[str, list[str]] = {"1": [], "2": [], "3": []}
    waves: list[list[tuple[str, Any]]] = [[] for _ in range(6)]
    for row in rows:
        ids[row["code"]] = new_id()
    for row in rows:
        key = ids[row["code"]]
        if row["record"] == "entity":
            depth = {"county": 0, "unit": 1, "township": 1}.get(row["kind"], 2)
            event: Any = EntityRegistered(
                entity_id=key,
                name=row["name"],
                kind=row["kind"],  # type: ignore[arg-type]
                parent_id=ids.get(row.get("parent_code", "")),
                code=row["code"],
            )
        else:
            depth = 2 + int(row["level"])
            levels[row["level"]].append(key)
            households = row.get("households")
            event = GridRegistered(
                grid_id=key,
                name=row["name"],
                level=int(row["level"]),  # type: ignore[arg-type]
                entity_id=ids[row["entity_code"]],
                parent_grid_id=ids.get(row.get("parent_code", "")),
                code=row["code"],
                households=int(households) if households else None,
            )
        waves[depth].append((key, event))
    try:
        done = 0
        for wave in waves:
            queue = list(reversed(wave))

            async def worker(queue: list[tuple[str, Any]] = queue) -> None:
                nonlocal done
                while queue:
                    key, event = queue.pop()
                    await store.append(tenant, key, 0, [NewEvent(event)], metadata)
                    done += 1
                    if done % 5000 == 0:
                        say(f"  registry: {done}/{len(rows)} appended")

            await asyncio.gather(*(worker() for _ in range(concurrency)))
    finally:
        await db.close()
    return levels
