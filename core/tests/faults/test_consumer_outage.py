"""A database outage is not a poison event (issue #8, defect 1): the consumer waits it out,
however long, and applies the event once; nothing is parked, nothing is lost."""

from __future__ import annotations

import asyncio
import uuid

from wuyi_contracts.envelope import Envelope
from wuyi_core import health
from wuyi_core.bus.port import Delivery
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractConnection
from wuyi_core.db.postgres import PostgresDatabase

from conftest import database_url, drop_schema
from core.tests.faults.events import an_envelope
from core.tests.faults.proxy import Outage


async def effects(conn: AbstractConnection) -> None:
    await conn.execute("CREATE TABLE IF NOT EXISTS effects (event_id TEXT PRIMARY KEY)")


async def apply(envelope: Envelope, conn: AbstractConnection) -> None:
    await conn.execute("INSERT INTO effects (event_id) VALUES ($1)", envelope.id)


async def test_a_consumer_waits_out_a_database_outage_and_parks_nothing():
    proxy, url = await Outage.for_url(database_url())
    schema = f"t_{uuid.uuid4().hex[:12]}"
    db = await PostgresDatabase.open(url, schema)
    runner = ConsumerRunner(
        "outage-test", db, None, apply, attempts=3, backoff=0.01, outage_backoff=0.2
    )
    await runner.migrate()
    async with db.transaction() as conn:
        await effects(conn)
    envelope = an_envelope()
    try:
        await proxy.cut()
        task = asyncio.create_task(runner.process(Delivery(envelope)))
        await asyncio.sleep(3)  # far longer than the handler's retries take
        assert not task.done(), "process gave up during the outage"
        assert "consumer:outage-test" in health.problems()
        await proxy.restore()
        async with asyncio.timeout(30):
            await task
        assert "consumer:outage-test" not in health.problems()
        async with db.read() as conn:
            assert await conn.fetchval("SELECT COUNT(*) FROM effects") == 1
            assert await conn.fetchval("SELECT COUNT(*) FROM dead_letters") == 0
        await runner.process(Delivery(envelope))  # a redelivery changes nothing
        async with db.read() as conn:
            assert await conn.fetchval("SELECT COUNT(*) FROM effects") == 1
    finally:
        await proxy.restore()
        await drop_schema(db)
        await db.close()
        await proxy.cut()


async def test_a_handler_failing_on_a_working_database_is_still_parked(db):
    async def broken(envelope: Envelope, conn: AbstractConnection) -> None:
        raise ValueError("no such grid")

    runner = ConsumerRunner("parks", db, None, broken, attempts=2, backoff=0.01)
    await runner.migrate()
    envelope = an_envelope()
    await runner.process(Delivery(envelope))
    async with db.read() as conn:
        row = await conn.fetchrow("SELECT event_id, error FROM dead_letters")
    assert row is not None
    assert row["event_id"] == envelope.id and "no such grid" in row["error"]


async def test_a_handler_whose_own_network_call_fails_is_parked_not_retried_for_ever(db):
    """A refused connection of the handler's own (a webhook, say) looks like a database outage
    by its type; the database answers, so it is the handler's failure: retried, then parked."""

    async def calls_out(envelope: Envelope, conn: AbstractConnection) -> None:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")

    runner = ConsumerRunner("calls-out", db, None, calls_out, attempts=2, backoff=0.01)
    await runner.migrate()
    async with asyncio.timeout(10):
        await runner.process(Delivery(an_envelope()))
    async with db.read() as conn:
        assert "ConnectionRefusedError" in await conn.fetchval("SELECT error FROM dead_letters")
