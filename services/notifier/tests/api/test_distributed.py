"""The distributed path, once: the notifier's worker loops (what ``wuyi serve notifier
--worker`` runs) read the services' events from a real Kafka, on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from wuyi_core.loops import running
from wuyi_notifier.adapters import subscriptions
from wuyi_notifier.bootstrap import build_notifier
from wuyi_notifier.worker import worker_loops

from conftest import drop_schema, open_postgres
from services.notifier.tests.receiver import receiving
from services.scoring.tests.conftest import advance, build_county, launch
from tests.stacks import running_stack

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


async def test_an_award_through_kafka_reaches_the_inbox_and_the_webhook_once(
    tmp_path, topic_prefix
):
    async with running_stack("kafka", tmp_path, topic_prefix) as stack, receiving() as receiver:
        db = await open_postgres(f"notifier_{uuid.uuid4().hex[:8]}")
        notifier = await build_notifier(db, stack.clock)
        try:
            async with notifier.db.transaction() as conn:
                sub = await subscriptions.add(
                    conn,
                    "t1",
                    "webhook",
                    f"{receiver.url}/k",
                    ["*.awarded.v1"],
                    None,
                    "t",
                    stack.clock.now(),
                )
            receiver.secrets["k"] = sub.secret
            assert stack.bus is not None
            async with running(worker_loops(notifier, stack.bus, seconds=0.1)):
                county = await build_county(stack, compounds=1)
                campaign = await launch(stack)
                await advance(stack, campaign, county["compounds"][0], county["town"])
                async with asyncio.timeout(30):
                    while not receiver.accepted:
                        await asyncio.sleep(0.1)
            async with notifier.db.read() as conn:
                awards = await conn.fetch(
                    "SELECT scope_id FROM inbox_items WHERE role = 'entity_admin'"
                    " AND title_zh = '授予称号'"
                )
            assert [a["scope_id"] for a in awards] == [county["compounds"][0]]
            assert len(receiver.calls) == 1 and receiver.calls[0]["verified"]
        finally:
            await notifier.close()
            await drop_schema(db)
            await db.close()
