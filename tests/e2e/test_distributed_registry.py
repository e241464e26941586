"""Distributed mode: ``wuyi serve registry`` as its own process on PostgreSQL and Kafka.

Its events reach ``wuyi.registry.events`` with CloudEvents binary-mode headers that the
official CloudEvents SDK parses and whose data validates against the committed JSON Schema;
a process killed with SIGKILL loses nothing on the way to the topic.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event
from jsonschema import Draft202012Validator
from wuyi_contracts.generate import SCHEMA_DIR
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.eventstore import EventStore
from wuyi_core.pseudonyms import Pseudonyms

from conftest import database_url, free_port, kafka_bootstrap, wait_for_http, wuyi_command

SECRET = "distributed-test-secret-long-enough-for-hs256"
AUDIT_KEYS = "e2e:distributed-test-audit-key-long-enough-0001"


@pytest.fixture
async def fresh_database():
    """A database of its own, so the service's fixed schema names never collide."""
    name = f"wuyi_e2e_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(database_url())
    await admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = database_url().rpartition("/")
    yield f"{base}/{name}"
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()


class Service:
    def __init__(self, url: str, prefix: str, name: str = "registry") -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "WUYI_DATABASE_URL": url,
            "WUYI_KAFKA_BOOTSTRAP": kafka_bootstrap(),
            "WUYI_JWT_SECRET": SECRET,
            "WUYI_AUDIT_KEYS": AUDIT_KEYS,
            "WUYI_TOPIC_PREFIX": prefix,
        }
        self.process: subprocess.Popen[str] | None = None

    async def start(self) -> Service:
        self.process = subprocess.Popen(
            [wuyi_command(), "serve", self.name, "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        await wait_for_http(f"{self.base}/{self.name}/health", timeout=60)
        return self

    def worker(self) -> subprocess.Popen[bytes]:
        """``wuyi serve NAME --worker`` on the same settings (its output is not needed)."""
        return subprocess.Popen(
            [wuyi_command(), "serve", self.name, "--worker"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def token(self, tenant: str = "t1") -> dict[str, str]:
        jwt = subprocess.run(
            [wuyi_command(), "token", "--tenant", tenant, "--role", "county_admin", "--new-tenant"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return {"Authorization": f"Bearer {jwt}"}

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)


@pytest.fixture
async def service(fresh_database, topic_prefix):
    running = await Service(fresh_database, topic_prefix).start()
    yield running
    running.stop()


async def consume(topic: str, expected: int, timeout: float = 60) -> list:
    """Messages of ``topic`` until ``expected`` distinct events (by ce_id) have arrived."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap(),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    messages: list = []
    try:
        async with asyncio.timeout(timeout):
            while len({dict(m.headers)["ce_id"] for m in messages}) < expected:
                batch = await consumer.getmany(timeout_ms=500)
                messages += [m for ms in batch.values() for m in ms]
    finally:
        await consumer.stop()
    return messages


async def register_tree(http: httpx.AsyncClient) -> list[str]:
    county = (
        await http.post("/registry/v1/entities", json={"name": "县", "kind": "county"})
    ).json()
    town = (
        await http.post(
            "/registry/v1/entities",
            json={
                "name": "镇",
                "kind": "township",
                "parent_id": county["id"],
                "contact": {"name": "联络员", "phone": "13800000077"},
            },
        )
    ).json()
    return [county["id"], town["id"]]


async def test_events_on_kafka_parse_with_the_cloudevents_sdk_and_match_their_schema(
    service, topic_prefix
):
    async with httpx.AsyncClient(base_url=service.base, headers=service.token()) as http:
        ids = await register_tree(http)
    messages = await consume(f"{topic_prefix}wuyi.registry.events", 2)
    assert sorted(m.key.decode() for m in messages) == sorted(ids)
    for message in messages:
        raw = KafkaMessage(headers=dict(message.headers), key=message.key, value=message.value)
        event = from_binary_event(raw)
        assert event.get_specversion() == "1.0"
        assert event.get_type() == "cn.wuyi.registry.entity.registered.v1"
        assert event.get_source() == "/tenants/t1/registry"
        assert event.get_subject() == message.key.decode()
        assert event.get_extension("tenant") == "t1"
        assert event.get_extension("actor") == Pseudonyms(SECRET).of("t1", "county_admin@t1")
        assert event.get_extension("correlationid")
        schema = json.loads((SCHEMA_DIR / f"{event.get_type()}.json").read_text())
        assert not list(Draft202012Validator(schema).iter_errors(event.get_data()))
        assert b"13800000077" not in message.value
        assert all(b"13800000077" not in value for _, value in message.headers)


async def test_topics_are_created_with_the_configured_partitions(service, topic_prefix):
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap())
    await admin.start()
    try:  # the relay creates the topics when it starts, beside the API: wait for it
        async with asyncio.timeout(30):
            while True:
                [description] = await admin.describe_topics([f"{topic_prefix}wuyi.registry.events"])
                if description["partitions"]:
                    break
                await asyncio.sleep(0.2)
    finally:
        await admin.close()
    assert len(description["partitions"]) == 3


async def test_a_killed_service_loses_no_event_on_the_way_to_kafka(fresh_database, topic_prefix):
    service = await Service(fresh_database, topic_prefix).start()
    async with httpx.AsyncClient(base_url=service.base, headers=service.token()) as http:
        county = (
            await http.post("/registry/v1/entities", json={"name": "县", "kind": "county"})
        ).json()
        responses = await asyncio.gather(
            *(
                http.post(
                    "/registry/v1/entities",
                    json={"name": f"镇{i}", "kind": "township", "parent_id": county["id"]},
                )
                for i in range(30)
            )
        )
    assert all(r.status_code == 201 for r in responses)
    service.stop(signal.SIGKILL)  # whatever the relay had not yet published is still in the log

    restarted = await Service(fresh_database, topic_prefix).start()
    try:
        db = await PostgresDatabase.open(fresh_database, "registry")
        stored = {e.event_id for e in await EventStore(db).read_all(0)}
        await db.close()
        messages = await consume(f"{topic_prefix}wuyi.registry.events", len(stored))
        published = {dict(m.headers)["ce_id"].decode() for m in messages}
        assert published == stored and len(stored) == 31
    finally:
        restarted.stop()


async def test_a_service_without_settings_names_what_is_missing():
    env = {k: v for k, v in os.environ.items() if not k.startswith("WUYI_")}
    result = subprocess.run(
        [wuyi_command(), "serve", "registry"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "WUYI_DATABASE_URL" in result.stderr and "WUYI_KAFKA_BOOTSTRAP" in result.stderr


async def test_the_worker_alone_relays_what_was_appended(fresh_database, topic_prefix):
    from wuyi_contracts.registry import EntityRenamed
    from wuyi_core.eventstore import EventMetadata, NewEvent

    db = await PostgresDatabase.open(fresh_database, "registry")
    store = EventStore(db)
    await store.migrate()
    meta = EventMetadata(actor="t", role="county_admin", correlation_id="c")
    for n in range(5):
        event = NewEvent(EntityRenamed(entity_id="e", name=str(n), previous_name=""))
        await store.append("t1", "e", n, [event], meta)
    await db.close()
    worker = Service(fresh_database, topic_prefix).worker()
    try:
        messages = await consume(f"{topic_prefix}wuyi.registry.events", 5)
        assert [m.value for m in messages] == [
            json.dumps(
                {"entity_id": "e", "name": str(n), "previous_name": ""}, separators=(",", ":")
            ).encode()
            for n in range(5)
        ]
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0


async def test_a_broker_outage_delays_events_but_loses_none(fresh_database, topic_prefix):
    script = str(Path(__file__).resolve().parents[2] / "scripts" / "dev-services")
    service = await Service(fresh_database, topic_prefix).start()
    try:
        async with httpx.AsyncClient(base_url=service.base, headers=service.token()) as http:
            county = (
                await http.post("/registry/v1/entities", json={"name": "县", "kind": "county"})
            ).json()
            subprocess.run([script, "stop-kafka"], check=True, capture_output=True, timeout=120)
            try:
                for i in range(10):  # the log takes writes while the broker is away
                    response = await http.post(
                        "/registry/v1/entities",
                        json={"name": f"镇{i}", "kind": "township", "parent_id": county["id"]},
                    )
                    assert response.status_code == 201
            finally:
                subprocess.run(
                    [script, "start-kafka"], check=True, capture_output=True, timeout=180
                )
        messages = await consume(f"{topic_prefix}wuyi.registry.events", 11, timeout=120)
        # at least once: a batch cut by the outage may be published again; consumers
        # deduplicate by id, so what matters is that every event is there
        assert len({dict(m.headers)["ce_id"] for m in messages}) == 11
    finally:
        service.stop()
