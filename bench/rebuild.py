"""Issue 12, benchmark 3: rebuilding the honor list, the delistings and eligibility from the
topics, beside a bare aiokafka consume-and-decode of the same topics.

The mix is the demo generator's: ``wuyi demo`` writes a county's campaign (daily reports,
cases, complaints, eligibility, applications walked to awarded, a delisting) into a throwaway
data folder; the reporting and scoring logs are then copied onto this run's topics as many times
as it takes to reach ``--events`` events, each copy a tenant of its own with every id renamed
(a province of identical counties), published with the relay's own publisher. Then, each
timed: the bare read (every record of the topic consumed and its value and headers decoded),
and each projection rebuilt from ``topic_history`` into PostgreSQL (honor list and delistings
read the scoring topic, eligibility the reporting topic). The figure is events/s of each
rebuild over events/s of the bare read of its topic (target: at least 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import re
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.topic_history import topic_history, topic_partitions
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.eventstore.records import StoredEvent
from wuyi_core.eventstore.store import read_all
from wuyi_reporting.bootstrap import build_reporting
from wuyi_scoring.bootstrap import build_scoring

from bench.common import (
    drop_topics,
    fresh_database,
    identity,
    needs_services,
    record,
    say,
    topic_prefix,
)
from bench.deploy import WUYI

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
REBUILDS = {"honor-list": "scoring", "delistings": "scoring", "eligibility": "reporting"}


async def demo_logs(folder: Path, args: argparse.Namespace) -> dict[str, list[StoredEvent]]:
    say(f"[rebuild] wuyi demo ({args.townships}×{args.villages}×{args.grids}, {args.days} days)")
    subprocess.run(
        [WUYI, "demo", "--data", str(folder), "--townships", str(args.townships)]
        + ["--villages", str(args.villages), "--grids", str(args.grids), "--days", str(args.days)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    logs: dict[str, list[StoredEvent]] = {}
    for service in ("reporting", "scoring"):
        db = await SQLiteDatabase.open(folder / f"{service}.db")
        events: list[StoredEvent] = []
        async with db.read() as conn:
            while batch := await read_all(conn, events[-1].position if events else 0, 5000):
                events += batch
        await db.close()
        logs[service] = events
    return logs


def copy_of(event: StoredEvent, k: int, position: int) -> StoredEvent:
    """The event as county ``k`` would have it: tenant ``demo-k``, every id renamed."""
    if k == 0:
        return dataclasses.replace(event, position=position)

    def rename(match: re.Match[str]) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{k}:{match.group(0)}"))

    data = json.loads(UUID.sub(rename, json.dumps(event.data)))
    return dataclasses.replace(
        event,
        position=position,
        tenant=f"{event.tenant}-{k}",
        stream_id=UUID.sub(rename, event.stream_id),
        event_id=str(uuid.uuid5(uuid.NAMESPACE_OID, f"{k}:{event.event_id}")),
        data=data,
        private=None,
    )


async def publish(bus: KafkaBus, logs: dict[str, list[StoredEvent]], total: int) -> dict[str, int]:
    """Copies of the logs onto the topics until ``total`` events; returns events per service."""
    per_copy = sum(len(log) for log in logs.values())
    copies = max(1, -(-total // per_copy))
    publisher = bus.publisher()
    await publisher.start()
    counts = {}
    try:
        for service, log in logs.items():
            batch = []
            position = 0
            for k in range(copies):
                for event in log:
                    position += 1
                    batch.append(copy_of(event, k, position).envelope())
                    if len(batch) == 5000:
                        await publisher.publish(batch)
                        batch = []
                if k % 50 == 49:
                    say(f"  {service}: {k + 1}/{copies} copies published")
            if batch:
                await publisher.publish(batch)
            counts[service] = position
    finally:
        await publisher.stop()
    return counts


async def bare_read(bus: KafkaBus, service: str) -> int:
    """Every record of the topic consumed, its value parsed and its headers decoded: the pace
    of Kafka and the client themselves (same fetch wait as ``topic_history``)."""
    partitions = await topic_partitions(bus, service)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bus.bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp, offset in (await consumer.beginning_offsets(partitions)).items():
            consumer.seek(tp, offset)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        decoded = 0
        while remaining:
            for tp, messages in (await consumer.getmany(timeout_ms=1000)).items():
                for m in messages:
                    if m.offset < ends[tp]:
                        json.loads(m.value or b"null")
                        {k: v.decode() for k, v in m.headers}
                        decoded += 1
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return decoded
    finally:
        await consumer.stop()


async def drained(bus: KafkaBus, service: str) -> int:
    count = 0
    async for events in topic_history(bus, service):
        count += len(events)
    return count


async def rows(db: PostgresDatabase, projector: Any, table: str) -> int:
    async with db.read() as conn:
        tables = await projector.tables(conn)
        return int(await conn.fetchval(f"SELECT COUNT(*) FROM {tables[table]}"))


async def main(args: argparse.Namespace) -> dict[str, Any]:
    url, bootstrap = needs_services()
    prefix = topic_prefix()
    started = time.perf_counter()
    sizes = {
        "events": args.events,
        "demo": [args.townships, args.villages, args.grids, args.days],
    }
    result = identity("rebuild", sizes)
    bus = KafkaBus(bootstrap, ("registry", "reporting", "scoring"), prefix=prefix)
    try:
        with tempfile.TemporaryDirectory(prefix="wuyi-bench-demo-") as tmp:
            logs = await demo_logs(Path(tmp), args)
        mix: dict[str, int] = {}
        for log in logs.values():
            for event in log:
                mix[event.type] = mix.get(event.type, 0) + 1
        result["demo_events"] = {s: len(log) for s, log in logs.items()}
        if not all(logs.values()):
            raise RuntimeError(f"the demo made no events for a topic: {result['demo_events']}")
        result["mix"] = mix
        say(f"[rebuild] publishing {args.events} events from {result['demo_events']}")
        began = time.perf_counter()
        topics = await publish(bus, logs, args.events)
        result["topic_events"] = topics
        result["publish_s"] = round(time.perf_counter() - began, 1)
        bare: dict[str, dict[str, Any]] = {}
        for service in topics:
            await bare_read(bus, service)  # warm-up: page cache, metadata, connections
            began = time.perf_counter()
            n = await bare_read(bus, service)
            s = time.perf_counter() - began
            began = time.perf_counter()
            h = await drained(bus, service)
            hs = time.perf_counter() - began
            bare[service] = {
                "events": n,
                "s": round(s, 3),
                "per_s": round(n / s),
                "topic_history_events": h,
                "topic_history_per_s": round(h / hs),
            }
            say(f"  bare read of {service}: {bare[service]}")
        result["bare"] = bare
        rebuilt: dict[str, dict[str, Any]] = {}
        async with fresh_database(url) as database:
            scoring_db = await PostgresDatabase.open(database, "scoring")
            reporting_db = await PostgresDatabase.open(database, "reporting")
            try:
                scoring = await build_scoring(scoring_db)
                reporting = await build_reporting(reporting_db)
                for name, service in REBUILDS.items():
                    owner = scoring if service == "scoring" else reporting
                    projector = owner.projectors[name]
                    say(f"[rebuild] {name} from the {service} topic")
                    began = time.perf_counter()
                    applied = await projector.rebuild(
                        source=topic_history(bus, service, types=projector.projection.types)
                    )
                    s = time.perf_counter() - began
                    table = {"honor-list": "holders", "delistings": "delistings"}.get(
                        name, "states"
                    )
                    db = scoring_db if service == "scoring" else reporting_db
                    rebuilt[name] = {
                        "topic": service,
                        "events": applied,
                        "s": round(s, 3),
                        "per_s": round(applied / s),
                        "rows": await rows(db, projector, table),
                        "ratio_to_bare": round(applied / s / max(1, bare[service]["per_s"]), 3),
                    }
                    say(f"  {rebuilt[name]}")
            finally:
                await scoring_db.close()
                await reporting_db.close()
        result["rebuilds"] = rebuilt
        total_events = sum(r["events"] for r in rebuilt.values())
        total_s = sum(r["s"] for r in rebuilt.values())
        bare_s = sum(
            bare[r["topic"]]["events"] / bare[r["topic"]]["per_s"] for r in rebuilt.values()
        )
        result["rebuild_per_s"] = round(total_events / total_s)
        result["bare_per_s"] = round(total_events / bare_s)
        result["ratio_to_bare"] = round(bare_s / total_s, 3)
        result["ratio_to_bare_min"] = min(r["ratio_to_bare"] for r in rebuilt.values())
    finally:
        await drop_topics(bootstrap, prefix)
    result["runtime_s"] = round(time.perf_counter() - started, 1)
    return result


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--events", type=int, default=1_000_000, help="events on the two topics")
    p.add_argument("--townships", type=int, default=2)
    p.add_argument("--villages", type=int, default=3)
    p.add_argument("--grids", type=int, default=3)
    p.add_argument("--days", type=int, default=14)
    return p


if __name__ == "__main__":
    outcome = asyncio.run(main(parser().parse_args()))
    record(outcome)
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
