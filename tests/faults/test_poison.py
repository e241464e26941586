"""Issue #8, poison: a record on a service topic that is not an event (a value that is not JSON,
or no CloudEvents headers) is parked as it came, the consumer goes on to the next event, and the
dead letter can be inspected (``wuyi dead-letters list``).

Real Kafka and the distributed deployment's PostgreSQL schemas: reporting's registry replica,
built as the product builds it, reads ``<prefix>wuyi.registry.events`` where a valid registry
event, a malformed record and another valid event follow each other on one partition. Then the
same through the faust reporting worker (``wuyi serve reporting --worker``).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from wuyi_contracts.catalog import SERVICES
from wuyi_contracts.envelope import Envelope
from wuyi_contracts.registry import EntityRegistered
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent
from wuyi_reporting.bootstrap import REPLICA, registry_replica

from conftest import kafka_bootstrap, wuyi_command
from tests.e2e.test_distributed_registry import Service, fresh_database  # noqa: F401
from tests.faults.record import record
from wuyi.services import Services, open_postgres

SUITE = "duplicates-and-poison"
META = EventMetadata(actor="fault-suite", role="county_admin", correlation_id="poison")
Headers = list[tuple[str, bytes]]
NOT_JSON = b'{"entity_id": "truncated'


def value_not_json(valid: Envelope) -> tuple[Headers, bytes]:
    """A CloudEvents record whose value was cut short (ce_id of its own)."""
    headers = [
        (k, uuid.uuid4().hex.encode() if k == "ce_id" else v) for k, v in valid.kafka_headers()
    ]
    return headers, NOT_JSON


def no_cloudevents_headers(valid: Envelope) -> tuple[Headers, bytes]:
    """Event data as JSON, but none of the ce_ headers that make it an envelope."""
    return [("content-type", b"application/json")], valid.kafka_value()


# the malformation, and what the parked error must name
MALFORMED: dict[str, tuple[Callable[[Envelope], tuple[Headers, bytes]], str]] = {
    "value not JSON": (value_not_json, "JSONDecodeError"),
    "no CloudEvents headers": (no_cloudevents_headers, "ValidationError"),
}


async def registered(store: EventStore, name: str, kind: str, parent: str | None) -> Envelope:
    """A registry event appended to the registry's real log, as the registry would."""
    entity_id = str(uuid.uuid4())
    event = EntityRegistered(entity_id=entity_id, name=name, kind=kind, parent_id=parent)
    [stored] = await store.append("t1", entity_id, 0, [NewEvent(event)], META)
    return stored.envelope()


async def send(producer: AIOKafkaProducer, topic: str, headers: Headers, value: bytes) -> int:
    """One record on partition 0 (so the order is the order sent); its offset."""
    sent = await producer.send_and_wait(topic, value=value, partition=0, headers=headers)
    return int(sent.offset)


async def poisoned_topic(bus: KafkaBus, store: EventStore, malformed: str) -> dict[str, Any]:
    """A valid event, the malformed record, another valid event on the registry topic."""
    await bus.ensure_topics()
    county = await registered(store, "宁化县", "county", None)
    town = await registered(store, "东安镇", "township", county.data["entity_id"])
    headers, value = MALFORMED[malformed][0](town)
    topic = bus.topic("registry")
    producer = AIOKafkaProducer(bootstrap_servers=bus.bootstrap, acks="all")
    await producer.start()
    try:
        await send(producer, topic, county.kafka_headers(), county.kafka_value())
        offset = await send(producer, topic, headers, value)
        await send(producer, topic, town.kafka_headers(), town.kafka_value())
    finally:
        await producer.stop()
    return {"valid": [county.id, town.id], "where": f"{topic}:0:{offset}", "value": value}


async def rows(db: AbstractDatabase, sql: str, *args: Any) -> list[dict[str, Any]]:
    async with db.read() as conn:
        return await conn.fetch(sql, *args)


async def until(check: Callable[[], Any], timeout: float, what: str) -> None:
    try:
        async with asyncio.timeout(timeout):
            while not await check():
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"{what}: not within {timeout:.0f} s") from None


def dead_letter_checks(
    parked: list[dict[str, Any]], poison: dict[str, Any], malformed: str
) -> dict[str, bool]:
    """The one dead letter is the malformed record, as it came, with its problem named."""
    [letter] = parked if len(parked) == 1 else [{}]
    text = json.loads(letter.get("envelope") or "{}")
    return {
        "exactly one dead letter": len(parked) == 1,
        "its id names topic, partition and offset": (
            letter.get("event_id") == f"undecodable:{poison['where']}"
        ),
        "the raw value is kept as text": text.get("value") == poison["value"].decode(),
        "the error names the problem": MALFORMED[malformed][1] in (letter.get("error") or ""),
    }


def verdict(fault: str, checks: dict[str, bool], **facts: Any) -> None:
    """Record what held, then fail naming what did not."""
    failures = [name for name, ok in checks.items() if not ok]
    record(SUITE, fault, held=not failures, failures=failures, **facts)
    assert not failures, failures


@pytest.fixture
async def deployment(fresh_database):  # noqa: F811
    """The distributed deployment's schemas (registry, reporting, scoring) in a fresh database,
    where ``wuyi dead-letters`` looks."""
    services = await open_postgres(fresh_database)
    yield services
    await services.close()


@pytest.mark.parametrize("malformed", sorted(MALFORMED))
async def test_a_malformed_record_is_parked_and_the_consumer_goes_on(
    deployment: Services,
    fresh_database,  # noqa: F811
    topic_prefix,
    malformed,
):
    started = time.monotonic()
    bus = KafkaBus(kafka_bootstrap(), SERVICES, prefix=topic_prefix, partitions=1)
    poison = await poisoned_topic(bus, deployment.registry.store, malformed)
    db = deployment.reporting.store.db
    runner = registry_replica(deployment.reporting, bus)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop, poll=0.1))

    async def applied_and_parked() -> bool:
        done = await rows(db, "SELECT event_id FROM processed_events WHERE consumer = $1", REPLICA)
        return len(done) >= 3

    try:
        await until(applied_and_parked, 60, "both valid events applied, the record parked")
    finally:
        stop.set()
        await task
    processed = await rows(
        db, "SELECT event_id FROM processed_events WHERE consumer = $1 ORDER BY event_id", REPLICA
    )
    entities = await rows(db, "SELECT id FROM registry_entities")
    parked = await rows(db, "SELECT * FROM dead_letters WHERE consumer = $1", REPLICA)
    committed = await committed_offsets(bus, f"{topic_prefix}{REPLICA}")
    later = await registered(deployment.registry.store, "幸福村", "village", None)
    redelivered = await after_restart(bus, db, later)
    listed = subprocess.run(
        [wuyi_command(), "dead-letters", "list"],
        env={**os.environ, "WUYI_DATABASE_URL": fresh_database},
        capture_output=True,
        text=True,
        timeout=60,
    )
    checks = {
        "each valid event applied once": sorted(r["event_id"] for r in processed)
        == sorted([*poison["valid"], f"undecodable:{poison['where']}"]),
        "both valid effects exist": len(entities) == 2,
        **dead_letter_checks(parked, poison, malformed),
        "offsets committed to the end": committed == {TopicPartition(bus.topic("registry"), 0): 3},
        "a restarted consumer receives only what came after": redelivered == [later.id],
        "wuyi dead-letters list shows it": listed.returncode == 0
        and REPLICA in listed.stderr
        and f"undecodable:{poison['where']}" in listed.stderr
        and MALFORMED[malformed][1] in listed.stderr,
    }
    verdict(
        "a malformed record between two valid events on a service topic",
        checks,
        malformed=malformed,
        consumer=REPLICA,
        events=3,
        seconds=round(time.monotonic() - started, 1),
    )


async def committed_offsets(bus: KafkaBus, group: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bus.bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp: meta.offset for tp, meta in offsets.items()}


async def after_restart(bus: KafkaBus, db: AbstractDatabase, later: Envelope) -> list[str]:
    """A new member of the replica's group, after ``later`` was published: what it receives
    until ``later`` arrives (nothing before it, if the offsets reached the end)."""
    producer = AIOKafkaProducer(bootstrap_servers=bus.bootstrap, acks="all")
    await producer.start()
    try:
        await send(producer, bus.topic("registry"), later.kafka_headers(), later.kafka_value())
    finally:
        await producer.stop()
    subscription = bus.subscribe(REPLICA, ["registry"], db)
    await subscription.start()
    received: list[str] = []
    try:
        async with asyncio.timeout(60):
            while later.id not in received:
                received += [d.event_id for d in await subscription.next_batch(0.5)]
    finally:
        await subscription.stop()
    return received


async def test_the_faust_worker_parks_a_malformed_record_and_applies_the_next(
    deployment: Services,
    fresh_database,  # noqa: F811
    topic_prefix,
    tmp_path: Path,
):
    started = time.monotonic()
    malformed = "value not JSON"
    bus = KafkaBus(kafka_bootstrap(), SERVICES, prefix=topic_prefix, partitions=1)
    poison = await poisoned_topic(bus, deployment.registry.store, malformed)
    env = {**Service(fresh_database, topic_prefix, "reporting").env, "WUYI_TOPIC_PARTITIONS": "1"}
    worker = subprocess.Popen(  # in tmp_path: faust leaves a data folder where it runs
        [wuyi_command(), "serve", "reporting", "--worker"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    db = deployment.reporting.store.db

    async def applied_and_parked() -> bool:
        done = await rows(db, "SELECT event_id FROM processed_events WHERE consumer = $1", REPLICA)
        return len(done) >= 3

    try:
        await until(applied_and_parked, 60, "the faust worker applied and parked")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    entities = await rows(db, "SELECT id FROM registry_entities")
    parked = await rows(db, "SELECT * FROM dead_letters WHERE consumer = $1", REPLICA)
    checks = {
        "both valid effects exist": len(entities) == 2,
        **dead_letter_checks(parked, poison, malformed),
    }
    verdict(
        "a malformed record before a valid event, through the faust reporting worker",
        checks,
        malformed=malformed,
        consumer=REPLICA,
        events=3,
        seconds=round(time.monotonic() - started, 1),
    )
