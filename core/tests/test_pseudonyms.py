"""Actors on public topics are pseudonymous ids, not user names (issue #9, "Data at rest and in
the browser"): the log keeps who acted, the topic carries a keyed pseudonym."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer
from wuyi_contracts.envelope import Envelope
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.pseudonyms import Pseudonyms
from wuyi_core.settings import WuyiSettings

from conftest import kafka_bootstrap

SECRET = "s" * 32


def an_envelope(n: int, actor: str, tenant: str = "t1") -> Envelope:
    return Envelope(
        id=f"e{n}",
        source=f"/tenants/{tenant}/registry",
        type="cn.wuyi.registry.entity.renamed",
        subject="v1",
        time=datetime(2026, 12, 1, tzinfo=UTC),
        tenant=tenant,
        data={"entity_id": "v1", "name": "新村"},
        actor=actor,
    )


def test_a_person_becomes_a_stable_keyed_pseudonym() -> None:
    names = Pseudonyms(SECRET)
    phone = names.of("t1", "13800000000")
    assert phone.startswith("u-") and "1380" not in phone
    assert names.of("t1", "13800000000") == phone  # the same person, the same id
    assert names.of("t2", "13800000000") != phone  # tenants do not share ids
    assert Pseudonyms("x" * 32).of("t1", "13800000000") != phone  # keyed: no guessing
    assert Pseudonyms().of("t1", "张三") != Pseudonyms().of("t1", "张三")  # no key: random


def test_system_and_public_actors_are_not_persons() -> None:
    names = Pseudonyms(SECRET)
    assert names.of("t1", "system:delisting-policy") == "system:delisting-policy"
    assert names.of("t1", "public") == "public"


def test_the_deployments_bus_keys_pseudonyms_with_its_secret() -> None:
    settings = WuyiSettings(kafka_bootstrap="127.0.0.1:1", jwt_secret=SECRET)
    bus = KafkaBus.from_settings(settings)
    assert bus.pseudonyms.of("t1", "张三") == Pseudonyms(SECRET).of("t1", "张三")


async def test_no_user_name_reaches_the_topic(topic_prefix: str) -> None:
    bus = KafkaBus(
        kafka_bootstrap(),
        ["registry"],
        prefix=topic_prefix,
        partitions=1,
        pseudonyms=Pseudonyms(SECRET),
    )
    publisher = bus.publisher()
    await publisher.start()
    try:
        await publisher.publish(
            [an_envelope(1, "张三"), an_envelope(2, "张三"), an_envelope(3, "system:sweep")]
        )
    finally:
        await publisher.stop()

    consumer = AIOKafkaConsumer(
        bus.topic("registry"), bootstrap_servers=bus.bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    raw: list[bytes] = []
    try:
        async with asyncio.timeout(30):
            while len(raw) < 3:
                for messages in (await consumer.getmany(timeout_ms=500)).values():
                    raw += [
                        m.value + b"".join(v for _, v in m.headers) for m in messages if m.value
                    ]
    finally:
        await consumer.stop()
    assert not any("张三".encode() in record for record in raw)
    pseudonym = Pseudonyms(SECRET).of("t1", "张三").encode()
    assert [pseudonym in r for r in raw] == [True, True, False]
    assert b"system:sweep" in raw[2]
