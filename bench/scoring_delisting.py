"""Issue 4's scoring figures: how long a reported case takes to take a title off the public
honor list, in embedded mode (SQLite, in-process bus) and on the distributed data path
(PostgreSQL, every log relayed through a real Kafka); and how fast the honor list rebuilds from
the ``scoring`` topic, beside the raw pace of reading that topic. Baselines, side by side in the
same run: a bare round trip of the same honor-list GET, the raw Kafka produce→consume round trip
(acks=all) on a throwaway topic, and a raw read of the same topic without applying anything.

Per mode: ``running_stack`` (tests/stacks.py) serves registry, reporting and scoring in this
process; a county with ``--compounds`` compounds is built the real way (grids reported,
eligibility published), every compound is walked over HTTP to public notice, the clock moves past
the notice window and all are awarded. Then, one compound at a time, a confirmed case is POSTed
to ``/reporting/v1/cases``; the timer starts when CaseReported has committed to reporting's log
(seen through the store's append listener) and stops when a GET of
``/scoring/v1/honor-list?tenant=t1``, polled every ``--poll-ms`` from that moment, no longer
lists the compound. The POST does not answer at that commit: it goes on to re-evaluate the
eligibility of the compound's whole lineage (tens of ms), and the title is usually gone before
the 201 returns; so the delay counted from the 201 (often negative) and the POST's own round
trip are recorded beside it.

Rebuild (kafka mode, after the cases): ``--extra-lifecycles`` copies of the real application
lifecycles (opened … awarded, delisted; fresh application ids, same data otherwise) are appended
straight to scoring's event store, so that the topic is big enough for a read of about a second
without walking thousands of compounds over HTTP; the relay publishes everything, then each of
these is timed ``--repeats`` times (median kept): a bare aiokafka read of every record on the
topic, ``topic_history`` drained without applying anything, the honor-list projector rebuilt
from ``topic_history``, and the same projector rebuilt from the log.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import identity, results_dir  # noqa: E402

RESULTS = results_dir()

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # noqa: E402
from wuyi_contracts.catalog import model_for  # noqa: E402
from wuyi_core.bus.kafka import KafkaBus  # noqa: E402
from wuyi_core.bus.topic_history import topic_history, topic_partitions  # noqa: E402
from wuyi_core.eventstore import EventMetadata, NewEvent  # noqa: E402
from wuyi_core.eventstore.records import new_id  # noqa: E402
from wuyi_core.tracking import get_checkpoint  # noqa: E402

from tests.stacks import Stack, running_stack  # noqa: E402


def _scoring_fixtures() -> Any:
    """services/scoring/tests/conftest.py under its own name (the root conftest.py, which
    tests.stacks imports as ``conftest``, must keep that name)."""
    path = ROOT / "services" / "scoring" / "tests" / "conftest.py"
    spec = importlib.util.spec_from_file_location("scoring_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fx = _scoring_fixtures()


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def latency_figures(values: list[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "p50_ms": ms(percentile(values, 50)),
        "p99_ms": ms(percentile(values, 99)),
        "p999_ms": ms(percentile999(values)),
        "max_ms": ms(max(values)),
    }


def percentile999(values: list[float]) -> float:
    """Nearest rank: with fewer than 1,000 values, the largest."""
    ordered = sorted(values)
    return ordered[max(0, -(-999 * len(ordered) // 1000) - 1)]


# --- step 1: case accepted -> entity gone from the honor list ------------------------------


async def awarded_county(stack: Stack, compounds: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The county, with every compound awarded. All are walked to public notice on ``DAY`` and
    awarded together once the notice window has passed (walking them one after another to
    "awarded" would move the clock past the batch's closing date)."""
    say(f"  building county with {compounds} compounds ...")
    county = await fx.build_county(stack, compounds=compounds)
    campaign = await fx.launch(stack)
    apps = {}
    for k, entity in enumerate(county["compounds"], start=1):
        apps[entity] = await fx.advance(
            stack, campaign, entity, county["town"], to="in_public_notice"
        )
        if k % 10 == 0 or k == compounds:
            say(f"  in public notice {k}/{compounds}")
    stack.move_to(9, 0, fx.day(5))
    for k, (entity, app) in enumerate(apps.items(), start=1):
        response = await stack.post(
            f"/scoring/v1/applications/{app}/award", {}, role="county_evaluator"
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "awarded", (entity, response.text)
        if k % 10 == 0 or k == compounds:
            say(f"  awarding {k}/{compounds}")
    return county, campaign


async def honor_holders(stack: Stack) -> list[str]:
    response = await stack.http.get("/scoring/v1/honor-list?tenant=t1")
    assert response.status_code == 200, response.text
    return [h["entity_id"] for h in response.json()["holders"]]


async def honor_rows(stack: Stack) -> list[dict[str, Any]]:
    response = await stack.http.get("/scoring/v1/honor-list?tenant=t1")
    assert response.status_code == 200, response.text
    return sorted(response.json()["holders"], key=lambda h: h["application_id"])


async def bare_gets(stack: Stack, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        await honor_holders(stack)
        times.append(time.perf_counter() - started)
    return times


class FirstAppend:
    """When the next event after ``arm()`` committed to a store's log: the store calls its
    listeners right after each committed append, in this process."""

    def __init__(self, store: Any) -> None:
        self.at: float | None = None
        self.fired = asyncio.Event()
        store.on_append(self._fire)

    def arm(self) -> None:
        self.at = None
        self.fired.clear()

    def _fire(self) -> None:
        if self.at is None:
            self.at = time.perf_counter()
            self.fired.set()


async def delisting_delays(
    stack: Stack, compounds: list[str], poll: float, timeout: float
) -> dict[str, list[float]]:
    """Per compound, with the honor list polled from the moment CaseReported commits to
    reporting's log (the first event ``POST /reporting/v1/cases`` appends): the delay from
    that commit, and from the 201, to the compound gone from the list; the POST's own round
    trip; and when, within it, the event committed."""
    committed = FirstAppend(stack.reporting.store)
    out: dict[str, list[float]] = {"commit": [], "response": [], "post": [], "commit_in_post": []}

    async def gone(entity: str) -> float:
        await committed.fired.wait()
        while entity in await honor_holders(stack):
            await asyncio.sleep(poll)
        return time.perf_counter()

    for k, entity in enumerate(compounds, start=1):
        committed.arm()
        watcher = asyncio.create_task(gone(entity))
        sent = time.perf_counter()
        response = await stack.post(
            "/reporting/v1/cases",
            {"entity_id": entity, "kind": "confirmed", "date": str(fx.day(5))},
        )
        accepted = time.perf_counter()
        assert response.status_code == 201, response.text
        async with asyncio.timeout(timeout):
            seen = await watcher
        assert committed.at is not None
        out["commit"].append(seen - committed.at)
        out["response"].append(seen - accepted)
        out["post"].append(accepted - sent)
        out["commit_in_post"].append(committed.at - sent)
        if k % 10 == 0 or k == len(compounds):
            say(f"  cases {k}/{len(compounds)} (last {ms(out['commit'][-1])} ms after the commit)")
    return out


async def kafka_round_trips(bootstrap: str, topic: str, count: int, linger_ms: int) -> list[float]:
    """Produce one record (idempotent, acks=all) and wait until a consumer has it, ``count``
    times in turn: the broker's own produce→consume latency."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 1, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=linger_ms
    )
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        consumer.seek(tp, end)
        payload = json.dumps({"entity_id": uuid.uuid4().hex, "kind": "confirmed"}).encode()
        for _ in range(3):  # warm-up: metadata, connections, the first fetch
            await producer.send_and_wait(topic, payload, key=b"warm")
            await consumer.getone()
        times = []
        for n in range(count):
            started = time.perf_counter()
            await producer.send_and_wait(topic, payload, key=str(n).encode())
            await consumer.getone()
            times.append(time.perf_counter() - started)
        return times
    finally:
        await consumer.stop()
        await producer.stop()


async def measure_delisting(mode: str, args: argparse.Namespace, prefix: str) -> dict[str, Any]:
    say(f"[{mode}] starting stack")
    started, load = time.perf_counter(), round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="wuyi-bench-") as tmp:
        async with running_stack(mode, Path(tmp), prefix) as stack:
            county, _ = await awarded_county(stack, args.compounds)
            compounds = county["compounds"]
            listed = await honor_holders(stack)
            assert set(listed) == set(compounds), "not every compound is on the honor list"
            say(f"[{mode}] bare honor-list GETs")
            gets = await bare_gets(stack, args.gets)
            say(f"[{mode}] reporting cases")
            timings = await delisting_delays(
                stack, compounds, args.poll_ms / 1000, args.case_timeout
            )
            assert await honor_holders(stack) == []
            delays, after_201 = timings["commit"], timings["response"]
            figures: dict[str, Any] = {
                **latency_figures(delays),
                "from_201_p50_ms": ms(percentile(after_201, 50)),
                "from_201_p99_ms": ms(percentile(after_201, 99)),
                "gone_before_201": sum(1 for d in after_201 if d < 0),
                "case_post_p50_ms": ms(percentile(timings["post"], 50)),
                "case_post_p99_ms": ms(percentile(timings["post"], 99)),
                "commit_in_post_p50_ms": ms(percentile(timings["commit_in_post"], 50)),
                "honor_get_p50_ms": ms(percentile(gets, 50)),
                "honor_get_p99_ms": ms(percentile(gets, 99)),
                "honor_get_count": len(gets),
            }
            figures["ratio_p50_to_get_p50"] = round(
                figures["p50_ms"] / figures["honor_get_p50_ms"], 2
            )
            rebuild = None
            if mode == "kafka" and args.kafka_baseline:
                assert isinstance(stack.bus, KafkaBus)
                for linger, key in ((5, "kafka_rt"), (0, "kafka_rt_linger0")):
                    say(f"[{mode}] raw Kafka produce→consume round trips (linger_ms={linger})")
                    trips = await kafka_round_trips(
                        stack.bus.bootstrap, f"{prefix}bench.roundtrip{linger}", len(delays), linger
                    )
                    figures[f"{key}_p50_ms"] = ms(percentile(trips, 50))
                    figures[f"{key}_p99_ms"] = ms(percentile(trips, 99))
                figures["ratio_p50_to_kafka_rt_p50"] = round(
                    figures["p50_ms"] / figures["kafka_rt_p50_ms"], 2
                )
                figures["ratio_p99_to_kafka_rt_p99"] = round(
                    figures["p99_ms"] / figures["kafka_rt_p99_ms"], 2
                )
            if mode == "kafka" and args.extra_lifecycles > 0:
                rebuild = await measure_rebuild(stack, args)
    figures["stage_s"] = round(time.perf_counter() - started, 1)
    figures["load_avg_1m"] = [load, round(os.getloadavg()[0], 2)]
    return {"delisting": figures, "rebuild": rebuild}


# --- step 2: honor-list rebuild from the topic, beside a raw read of the topic --------------


async def clone_lifecycles(stack: Stack, copies: int, chunk: int = 50) -> int:
    """Append ``copies`` copies of the real application streams (each a whole lifecycle, from
    opened to delisted; every tenth copy stops at awarded and keeps its title) with fresh
    application ids; returns the events appended."""
    store = stack.scoring.store
    streams: dict[str, list[Any]] = {}
    position = 0
    while events := await store.read_all(position, 1000):
        for event in events:
            if event.stream_id.startswith("application:"):
                streams.setdefault(event.stream_id, []).append(event)
        position = events[-1].position
    templates = list(streams.values())
    metadata = EventMetadata.system("bench-clone")
    appended = 0

    async def one(k: int) -> int:
        # the store's public append (one lifecycle a transaction): it outlives changes to
        # the kernel's append path, which this benchmark measures before and after
        template = templates[k % len(templates)]
        app_id = new_id()
        batch = [
            NewEvent(
                model_for(e.type).model_validate({**e.data, "application_id": app_id}),
                e.private,
            )
            for e in template
            if k % 10 or not e.type.endswith(".delisted.v1")  # every tenth keeps it
        ]
        await store.append(template[0].tenant, f"application:{app_id}", 0, batch, metadata)
        return len(batch)

    for start in range(0, copies, chunk):
        counts = await asyncio.gather(*(one(k) for k in range(start, min(copies, start + chunk))))
        appended += sum(counts)
        if (start // chunk) % 20 == 19:
            say(f"  cloned {min(copies, start + chunk)}/{copies} lifecycles")
    return appended


async def relayed(stack: Stack, timeout: float = 300) -> int:
    """Wait until scoring's relay has published the whole log; returns the head."""
    store = stack.scoring.store
    async with asyncio.timeout(timeout):
        while True:
            head = await store.head()
            async with store.db.read() as conn:
                if await get_checkpoint(conn, "relay") >= head:
                    return head
            await asyncio.sleep(0.1)


async def bare_read(bus: KafkaBus, service: str, fetch_max_wait_ms: int = 500) -> int:
    """Every record on the topic with a plain aiokafka consumer, nothing decoded. At aiokafka's
    default ``fetch_max_wait_ms`` (500, as ``topic_history`` reads) the read spends up to that
    long in fetches the broker holds open once partitions reach their end; at 10 ms it shows
    the broker's own pace."""
    partitions = await topic_partitions(bus, service)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bus.bootstrap,
        enable_auto_commit=False,
        fetch_max_wait_ms=fetch_max_wait_ms,
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp, offset in (await consumer.beginning_offsets(partitions)).items():
            consumer.seek(tp, offset)
        remaining = {tp for tp in partitions if ends[tp] > 0}
        records = 0
        while remaining:
            for tp, messages in (await consumer.getmany(timeout_ms=1000)).items():
                records += sum(1 for m in messages if m.offset < ends[tp])
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        return records
    finally:
        await consumer.stop()


async def drained(bus: KafkaBus, service: str) -> int:
    """``topic_history`` consumed to the end, nothing applied."""
    count = 0
    async for events in topic_history(bus, service):
        count += len(events)
    return count


async def timed(label: str, repeats: int, run: Any) -> tuple[float, int]:
    """Median seconds over ``repeats`` runs of ``run()``, and what the last run returned."""
    times, result = [], 0
    for r in range(repeats):
        started = time.perf_counter()
        result = await run()
        times.append(time.perf_counter() - started)
        say(f"  {label} #{r + 1}: {result} events in {times[-1]:.3f} s")
    return statistics.median(times), result


async def measure_rebuild(stack: Stack, args: argparse.Namespace) -> dict[str, Any]:
    bus = stack.bus
    assert isinstance(bus, KafkaBus)
    projector = stack.scoring.projectors["honor-list"]
    say(f"[kafka] cloning {args.extra_lifecycles} application lifecycles into scoring's log")
    started = time.perf_counter()
    cloned = await clone_lifecycles(stack, args.extra_lifecycles)
    say(f"  {cloned} events appended in {time.perf_counter() - started:.1f} s")
    await stack.scoring.catch_up()  # the live lists, to compare the rebuilt ones with
    before = await honor_rows(stack)
    say("[kafka] waiting for the relay to publish scoring's log")
    started = time.perf_counter()
    head = await relayed(stack)
    say(f"  head {head}, relayed {time.perf_counter() - started:.1f} s after the last clone")
    await bare_read(bus, "scoring")  # warm-up: page cache, metadata, connections
    bare_s, records = await timed(
        "bare aiokafka read (fetch_max_wait_ms 500)",
        args.repeats,
        lambda: bare_read(bus, "scoring"),
    )
    fast_s, fast_records = await timed(
        "bare aiokafka read (fetch_max_wait_ms 10)",
        args.repeats,
        lambda: bare_read(bus, "scoring", fetch_max_wait_ms=10),
    )
    read_s, events = await timed(
        "topic_history drained", args.repeats, lambda: drained(bus, "scoring")
    )
    kafka_s, applied = await timed(
        "honor-list rebuild from topic",
        args.repeats,
        lambda: projector.rebuild(
            source=topic_history(bus, "scoring", types=projector.projection.types)
        ),
    )
    after_topic = await honor_rows(stack)
    log_s, applied_log = await timed("honor-list rebuild from log", args.repeats, projector.rebuild)
    after_log = await honor_rows(stack)
    result = {
        "log_head": head,
        "cloned_lifecycles": args.extra_lifecycles,
        "cloned_events": cloned,
        "holders": len(before),
        "topic_records": records,
        "topic_events": events,
        "rebuild_applied": applied,
        "rebuild_log_applied": applied_log,
        "repeats": args.repeats,
        "bare_read_s": round(bare_s, 3),
        "bare_read_eps": round(records / bare_s),
        "bare_read_fast_s": round(fast_s, 3),
        "bare_read_fast_eps": round(fast_records / fast_s),
        "topic_history_s": round(read_s, 3),
        "topic_history_eps": round(events / read_s),
        "rebuild_topic_s": round(kafka_s, 3),
        "rebuild_topic_eps": round(applied / kafka_s),
        "rebuild_log_s": round(log_s, 3),
        "rebuild_log_eps": round(applied_log / log_s),
        "rebuilt_equal_live": before == after_topic == after_log,
    }
    for key, base in (
        ("topic_history", "topic_history_eps"),
        ("bare_read", "bare_read_eps"),
        ("bare_read_fast", "bare_read_fast_eps"),
    ):
        result[f"ratio_rebuild_to_{key}"] = round(result["rebuild_topic_eps"] / result[base], 3)
    return result


async def drop_topics(bootstrap: str, prefix: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


def working_tree() -> dict[str, Any]:
    """Uncommitted changes to the code under test (others edit it while benchmarks run): the
    paths, and a digest of the diff to tell two dirty runs apart."""
    paths = ["core", "contracts", "services", "wuyi", "tests"]
    git = ["git", "--no-optional-locks", "-c", "core.quotepath=off"]  # read-only
    status = subprocess.run(
        [*git, "status", "--porcelain", "--", *paths], capture_output=True, text=True, cwd=ROOT
    ).stdout.splitlines()
    diff = subprocess.run(
        [*git, "diff", "HEAD", "--", *paths], capture_output=True, cwd=ROOT
    ).stdout
    return {
        "dirty": [line[3:] for line in status],
        "diff_sha1": hashlib.sha1(diff).hexdigest()[:12] if diff else None,
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    if not os.environ.get("WUYI_DATABASE_URL") or not os.environ.get("WUYI_KAFKA_BOOTSTRAP"):
        sys.exit("needs PostgreSQL and Kafka: scripts/dev-services up && source .dev-services/env")
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    started = time.perf_counter()
    modes = {}
    try:
        for mode in args.modes:
            modes[mode] = await measure_delisting(mode, args, prefix)
    finally:
        if not args.keep_topics:
            await drop_topics(os.environ["WUYI_KAFKA_BOOTSTRAP"], prefix)
    sizes = {
        "cases": args.compounds,
        "modes": args.modes,
        "extra_lifecycles": args.extra_lifecycles,
    }
    return {
        **identity("scoring_delisting", sizes),
        "benchmark": "scoring_delisting",
        "tree": working_tree(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
        "machine_line": f"{platform.machine()} {os.cpu_count()} cores",
        "compounds": args.compounds,
        "poll_ms": args.poll_ms,
        "delisting": {mode: m["delisting"] for mode, m in modes.items()},
        "rebuild": modes.get("kafka", {}).get("rebuild"),
        "runtime_s": round(time.perf_counter() - started, 1),
    }


def record(result: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "scoring_delisting.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps(result, ensure_ascii=False) + "\n")
    d = result["delisting"]
    lines = [
        "# scoring_delisting — latest run\n",
        f"{result['at']} · commit {result['commit']} · {result['machine_line']} · "
        f"{result['runtime_s']} s in all\n",
        (
            f"Working tree not clean under the code paths (diff {result['tree']['diff_sha1']}): "
            + ", ".join(f"`{p}`" for p in result["tree"]["dirty"])
            + "\n"
            if result["tree"]["dirty"]
            else "Working tree clean under the code paths.\n"
        ),
        f"A county with {result['compounds']} compounds, all awarded over HTTP; then one "
        "confirmed case per compound, in turn. Delay: from the moment CaseReported commits to "
        "reporting's log (the first append of `POST /reporting/v1/cases`; the POST then "
        "re-evaluates the lineage's eligibility before it answers 201) until "
        "`GET /scoring/v1/honor-list?tenant=t1`, polled every "
        f"{result['poll_ms']} ms from that commit on, no longer lists the compound. Services, "
        "relays, consumers and the poller share one process and one event loop.\n",
        "| figure | " + " | ".join(d) + " |",
        "|---|" + "---|" * len(d),
    ]

    def row(label: str, key: str, unit: str = " ms") -> None:
        cells = [f"{d[m][key]}{unit}" if key in d[m] else "—" for m in d]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("cases delisted", "count", "")
    row("**delay p50** (CaseReported committed → gone from honor list)", "p50_ms")
    row("**delay p99**", "p99_ms")
    row("**delay p99.9**", "p999_ms")
    row("delay max", "max_ms")
    row("baseline: bare honor-list GET p50", "honor_get_p50_ms")
    row("baseline: bare honor-list GET p99", "honor_get_p99_ms")
    row("**ratio delay p50 ÷ GET p50**", "ratio_p50_to_get_p50", "")
    row(
        "baseline: raw Kafka produce→consume p50 (idempotent, acks=all, linger 5 ms)",
        "kafka_rt_p50_ms",
    )
    row("baseline: raw Kafka produce→consume p99 (same)", "kafka_rt_p99_ms")
    row("raw Kafka produce→consume p50 (acks=all, linger 0)", "kafka_rt_linger0_p50_ms")
    row("**ratio delay p50 ÷ Kafka round trip p50**", "ratio_p50_to_kafka_rt_p50", "")
    row("ratio delay p99 ÷ Kafka round trip p99", "ratio_p99_to_kafka_rt_p99", "")
    row("case POST round trip p50 (send → 201)", "case_post_p50_ms")
    row("case POST round trip p99", "case_post_p99_ms")
    row("CaseReported commit, p50 after the POST was sent", "commit_in_post_p50_ms")
    row("delay p50 counted from the 201 instead (negative: gone before the 201)", "from_201_p50_ms")
    row("delay p99 counted from the 201", "from_201_p99_ms")
    row("cases gone from the honor list before their 201 returned", "gone_before_201", "")
    row("1-min load average of the machine, stage start → end", "load_avg_1m", "")
    r = result["rebuild"]
    if r:
        lines += [
            "",
            f"Honor-list rebuild, kafka mode: scoring's log holds {r['log_head']} events, "
            f"{r['cloned_events']} of them from {r['cloned_lifecycles']} copies of the real "
            "application lifecycles appended straight to the store with fresh ids (every tenth "
            f"copy keeps its title: {r['holders']} holders); the relay published all of them "
            f"({r['topic_records']} records on the 3-partition topic). Median of "
            f"{r['repeats']} runs each:\n",
            "| figure | events | seconds | events/s | rebuild ÷ this |",
            "|---|---|---|---|---|",
            f"| baseline: bare aiokafka read, default fetch_max_wait_ms (500, as topic_history) "
            f"| {r['topic_records']} | {r['bare_read_s']} | {r['bare_read_eps']} | "
            f"{r['ratio_rebuild_to_bare_read']} |",
            f"| baseline: bare aiokafka read, fetch_max_wait_ms 10 | {r['topic_records']} | "
            f"{r['bare_read_fast_s']} | {r['bare_read_fast_eps']} | "
            f"{r['ratio_rebuild_to_bare_read_fast']} |",
            f"| baseline: `topic_history` drained, nothing applied | {r['topic_events']} | "
            f"{r['topic_history_s']} | {r['topic_history_eps']} | "
            f"{r['ratio_rebuild_to_topic_history']} |",
            f"| **honor-list rebuild from the topic** | {r['rebuild_applied']} | "
            f"{r['rebuild_topic_s']} | {r['rebuild_topic_eps']} | 1 |",
            f"| honor-list rebuild from the log (reference) | {r['rebuild_log_applied']} | "
            f"{r['rebuild_log_s']} | {r['rebuild_log_eps']} | "
            f"{round(r['rebuild_topic_eps'] / r['rebuild_log_eps'], 3)} |",
            "",
            "Both rebuilds give the live honor list exactly (every row of "
            f"`GET /scoring/v1/honor-list?tenant=t1`): {r['rebuilt_equal_live']}.",
        ]
    (RESULTS / "scoring_delisting.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--compounds", type=int, default=40, help="awarded compounds = cases")
    parser.add_argument("--modes", nargs="+", default=["sqlite", "kafka"])
    parser.add_argument("--poll-ms", type=float, default=2.0, help="honor-list polling interval")
    parser.add_argument("--gets", type=int, default=200, help="bare honor-list GETs (baseline)")
    parser.add_argument("--case-timeout", type=float, default=30.0)
    parser.add_argument(
        "--extra-lifecycles",
        type=int,
        default=4000,
        help="application lifecycles copied into scoring's log before the rebuild (kafka)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--no-kafka-baseline",
        dest="kafka_baseline",
        action="store_false",
        help="skip the raw Kafka round trips (kafka mode)",
    )
    parser.add_argument("--keep-topics", action="store_true", help="leave this run's topics")
    parser.add_argument("--no-record", action="store_true", help="print only (trial runs)")
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments))
    if not arguments.no_record:
        record(outcome)
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
