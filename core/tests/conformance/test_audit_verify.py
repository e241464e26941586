"""Tamper evidence: ``verify_chains`` finds an event altered behind the store's back."""

from __future__ import annotations

import pytest
from wuyi_contracts.registry import EntityRenamed
from wuyi_core.audit import verify_chains
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent

META = EventMetadata(actor="tester", role="county_admin", correlation_id="c-1")


async def tamper(db, sql: str) -> None:
    """Bypass the append-only guard the way an attacker with database access would."""
    async with db.transaction() as conn:
        if db.dialect == "sqlite":
            await conn.execute("DROP TRIGGER events_no_update")
        else:
            await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")
        await conn.execute(sql)


@pytest.fixture
async def store(db) -> EventStore:
    store = EventStore(db)
    await store.migrate()
    for entity in ("a", "b"):
        await store.append(
            "t1",
            entity,
            0,
            [
                NewEvent(EntityRenamed(entity_id=entity, name=f"{entity}{n}", previous_name="x"))
                for n in range(3)
            ],
            META,
        )
    return store


async def test_untouched_log_verifies(store):
    report = await verify_chains(store)
    assert report.ok and report.events == 6 and report.streams == 2


async def test_altered_data_is_named_as_the_first_broken_event(store):
    await tamper(store.db, "UPDATE events SET data = replace(data, 'b1', 'zz') WHERE position = 5")
    report = await verify_chains(store)
    assert not report.ok
    assert (report.broken.position, report.broken.stream_id) == (5, "b")
    assert "altered" in report.broken.reason


async def test_an_altered_hash_is_detected_at_that_event(store):
    await tamper(store.db, "UPDATE events SET hash = 'f' || substr(hash, 2) WHERE position = 1")
    report = await verify_chains(store)
    assert report.broken.position == 1
