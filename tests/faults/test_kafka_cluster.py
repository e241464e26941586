"""Issue #8, the 3-broker fault: a Kafka cluster of three nodes (replication 3, min ISR 2) loses
one broker to ``kill -9`` while a service appends, relays and consumes without pause; the broker
comes back. Nothing may be lost or doubled in effect: every appended event is applied exactly
once, the relay's checkpoint reaches the log head and the consumer commits to the topic's end.

The relay and the consumer run as a service runs them: their own ``run`` loops, supervised
(``wuyi_core.loops.running``). The broker killed is one that leads a partition of the topic,
chosen by a seed (``WUYI_FAULT_SEED`` replays one) that is printed and recorded. One kill and
restart by default; ``WUYI_FAULT_TRIALS`` runs that many in a row on the same cluster and load.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import TopicPartition
from wuyi_contracts.registry import EntityRenamed
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent
from wuyi_core.loops import named, running
from wuyi_core.supervision import Supervisor

from tests.faults.cluster import KafkaCluster
from tests.faults.pipeline import Pipeline
from tests.faults.progress import Progress, troubles
from tests.faults.record import record
from tests.faults.record import rounds as broker_rounds

FAULT = "kill -9 one of three brokers under load"
META = EventMetadata(actor="fault-suite", role="county_admin", correlation_id="kafka-cluster")
STREAMS = 24  # entities written round-robin: every partition gets load
RATE = 180.0  # events per second the writer aims at
DOWN = 5.0  # seconds of load while the broker is dead
AFTER = 3.0  # seconds of load after it is back


@pytest.fixture
def kafka_cluster(tmp_path: Path) -> Iterator[KafkaCluster]:
    cluster = KafkaCluster(tmp_path / "cluster")
    try:
        cluster.up()
        yield cluster
    finally:
        cluster.down()


async def write(store: EventStore, stop: asyncio.Event) -> None:
    """Append one event per transaction at ``RATE`` until ``stop``, as a busy service would."""
    clock = asyncio.get_running_loop().time
    versions, started, n = [0] * STREAMS, clock(), 0
    while not stop.is_set():
        entity = n % STREAMS
        event = NewEvent(EntityRenamed(entity_id=f"e{entity}", name=str(n), previous_name=""))
        await store.append("t1", f"e{entity}", versions[entity], [event], META)
        versions[entity] += 1
        n += 1
        ahead = started + n / RATE - clock()
        if ahead > 0:
            await asyncio.sleep(ahead)


async def until(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not await check():
                await asyncio.sleep(0.2)
    except TimeoutError:
        raise AssertionError(f"{what}: not within {timeout:.0f} s") from None


async def kill_and_restart_a_leader(
    cluster: KafkaCluster, pipeline: Pipeline, progress: Progress, rng: random.Random
) -> tuple[int, list[int], float]:
    """kill -9 a broker leading a partition of the topic, wait ``DOWN``, start it again and
    wait until it serves; returns the node, the leaders before, and the restart's seconds."""
    leaders = [int(str(p["leader"])) for p in await cluster.partitions(pipeline.topic)]
    victim = rng.choice(sorted(set(leaders)))
    print(f"kafka-cluster: kill -9 node {victim} (partition leaders {leaders})")
    killed = progress.mark(f"kill -9 node {victim}")
    await cluster.kill(victim)
    await asyncio.sleep(DOWN)  # the load goes on without it
    progress.mark(f"start node {victim}")
    await cluster.start(victim)
    return victim, leaders, round(progress.mark(f"node {victim} ready") - killed - DOWN, 1)


async def under_load(
    cluster: KafkaCluster, pipeline: Pipeline, progress: Progress, rng: random.Random, n: int
) -> dict[str, Any]:
    """Write; ``n`` times: a little more load, then kill and restart a leader; write a little
    more; stop writing. Returns what was done, with the log head at the end."""
    stop_writing = asyncio.Event()
    writer = asyncio.create_task(write(pipeline.store, stop_writing))
    done: dict[str, Any] = {"trials": n, "victims": [], "leaders": [], "restart_s": []}
    try:
        await until(lambda: _applied_at_least(pipeline, 100), 60, "the first effects")
        for _ in range(n):
            await asyncio.sleep(rng.uniform(2, 4))  # load before the fault
            for key, value in zip(
                ("victims", "leaders", "restart_s"),
                await kill_and_restart_a_leader(cluster, pipeline, progress, rng),
                strict=True,
            ):
                done[key].append(value)
        await asyncio.sleep(AFTER)
    finally:
        stop_writing.set()
        await writer
    progress.mark("writer stopped")
    return done | {"events": await pipeline.store.head()}


async def settled(
    cluster: KafkaCluster, pipeline: Pipeline, head: int, facts: dict[str, Any]
) -> bool:
    """The relay at the head, every event applied, the group committed to the topic's end and
    every replica back in sync."""
    described = await cluster.partitions(pipeline.topic)
    partitions = [TopicPartition(pipeline.topic, int(str(p["partition"]))) for p in described]
    facts["ends"], facts["committed"] = await pipeline.offsets(partitions)
    facts["isr"] = [len(p["isr"]) for p in described]  # type: ignore[arg-type]
    return (
        await pipeline.relay.position() == head
        and await pipeline.applied() == head
        and facts["committed"] == facts["ends"]
        and facts["isr"] == [3] * len(described)
    )


async def test_killing_one_of_three_brokers_under_load_loses_and_doubles_nothing(
    kafka_cluster: KafkaCluster, caplog: pytest.LogCaptureFixture
) -> None:
    seed = int(os.environ.get("WUYI_FAULT_SEED") or random.randrange(2**32))
    print(f"\nkafka-cluster: seed {seed} (WUYI_FAULT_SEED={seed} replays it)")
    began = time.monotonic()
    facts: dict[str, Any] = {"seed": seed}
    pipeline = await Pipeline.open(kafka_cluster.bootstrap)
    progress = Progress(pipeline.store, pipeline.relay, pipeline.applied)
    loops = [*pipeline.loops(), named("progress", progress.watch)]
    try:
        await pipeline.start()
        rounds = broker_rounds(1)
        supervisor = Supervisor(backoff=0.2, max_backoff=2)
        async with asyncio.timeout(100 + 40 * rounds), running(loops, supervisor):
            facts |= await under_load(
                kafka_cluster, pipeline, progress, random.Random(seed), rounds
            )
            await until(
                lambda: settled(kafka_cluster, pipeline, facts["events"], facts),
                60,
                "relay at the head, every effect applied, offsets committed to the end",
            )
            progress.mark("settled")
        outcome = await pipeline.effects_against_log()
    except Exception as err:
        facts |= {"error": f"{type(err).__name__}: {err}", "troubles": troubles(caplog.records)}
        record("kafka-cluster", FAULT, held=False, **facts)
        raise
    finally:
        await pipeline.close()
    facts |= outcome | {
        "topic_duplicates": sum(facts["ends"]) - facts["events"],
        "relay_stall_s": progress.longest_stall("relayed"),
        "consumer_stall_s": progress.longest_stall("applied"),
        "timeline": progress.timeline(began),
        "troubles": troubles(caplog.records),
        "seconds": round(time.monotonic() - began, 1),
    }
    held = outcome == {"missing": 0, "doubled": 0, "unknown": 0}
    print(f"kafka-cluster: held={held} {facts}")
    record("kafka-cluster", FAULT, held=held, **facts)
    assert outcome == {"missing": 0, "doubled": 0, "unknown": 0}


async def _applied_at_least(pipeline: Pipeline, n: int) -> bool:
    return await pipeline.applied() >= n
