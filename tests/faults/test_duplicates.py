"""Issue #8, duplicates: every consumer is fed each event twice, and the state stays identical.

The three services run together (``tests.stacks``) through a workload that reaches every
consumer: the registry's entities and grids (both registry replicas), reporting's settings,
reports, eligibility, cases, a lift and complaints (scoring's delisting policy), and in scoring
campaigns, awards, a nested township title and delistings by case and by complaints. Once the
stack is quiet, every event of each consumer's source log is handed to that consumer again, in
log order, as a redelivery would hand it (``ConsumerRunner.process``, the runners built as the
product builds them). Nothing may change: not a row of any table in reporting's or scoring's
database (replicas, inbox, projections, processed ids, dead letters), not the public lists, and
no service's log may grow (a case redelivered must not delist twice).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from starlette.routing import Mount
from wuyi_core.bus.port import Delivery
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.eventstore import EventStore, StoredEvent
from wuyi_core.registry_replica import apply_registry_event
from wuyi_reporting.bootstrap import REPLICA
from wuyi_scoring.worker import consumers as scoring_consumers

from services.scoring.tests.api.test_delisting import titled_township
from services.scoring.tests.conftest import advance, build_county, launch
from tests.faults.record import record
from tests.stacks import Stack, running_stack

SUITE = "duplicates-and-poison"
FAULT = "every consumer fed each event of its source logs twice"


@pytest.fixture(params=["sqlite", "postgres", "kafka"])
def backend(request) -> str:
    return str(request.param)


@pytest.fixture
async def stack(backend, tmp_path, topic_prefix):
    async with running_stack(backend, tmp_path, topic_prefix) as running:
        yield running


async def test_every_consumer_fed_each_event_twice_leaves_the_state_identical(backend, stack):
    started = time.monotonic()
    await workload(stack)
    sources = {"registry": registry_store(stack), "reporting": stack.reporting.store}
    runners = consumers_of(stack)
    await quiet(stack, runners, sources)
    before = await snapshot(stack, sources)
    await asyncio.sleep(0.5)
    assert await snapshot(stack, sources) == before, "the stack is not quiet: no baseline"
    assert before["reporting:dead_letters"] == before["scoring:dead_letters"] == []
    fed = 0
    for runner, service in runners:
        for event in await whole_log(sources[service]):
            await runner.process(Delivery(event.envelope()))
            fed += 1
    after = await snapshot(stack, sources)
    changed = sorted(key for key in before if before[key] != after[key])
    record(
        SUITE,
        FAULT,
        backend=backend,
        held=not changed,
        events=fed,
        consumers=[runner.name for runner, _ in runners],
        delistings=len(before["http:delistings"]),
        changed=changed,
        seconds=round(time.monotonic() - started, 1),
    )
    assert not changed, {key: (before[key], after[key]) for key in changed}
    assert len(before["http:delistings"]) == 3  # case: compound and township; complaints


async def workload(stack: Stack) -> None:
    """A county whose three compounds and township are titled; then the registry changes, a
    case delists a compound and the township, is lifted, and verified complaints delist
    another compound."""
    county = await build_county(stack, compounds=3)
    a, b, c = county["compounds"]
    campaign = await launch(stack)
    for entity in (a, b, c):
        await advance(stack, campaign, entity, county["town"])
    await titled_township(stack, county, campaign)
    await registry_changes(stack, county)
    today = str(stack.clock.now().date())
    case = await stack.created(
        "/reporting/v1/cases", {"entity_id": a, "kind": "confirmed", "date": today}
    )
    await until_delisted(stack, {a, county["town"]})
    lifted = await stack.post(f"/reporting/v1/cases/{case['id']}/lift", {})
    assert lifted.status_code == 200, lifted.text
    for n, verified in enumerate((True, False, True)):
        complaint = await stack.created(
            "/reporting/v1/complaints",
            {"entity_id": b, "summary": f"投诉{n}", "source": "12345"},
        )
        ruled = await stack.post(
            f"/reporting/v1/complaints/{complaint['id']}/verification",
            {"verified": verified, "note": "核实"},
            role="township_reviewer",
            scope=county["town"],
        )
        assert ruled.status_code == 200, ruled.text
    await until_delisted(stack, {a, b, county["town"]})


async def registry_changes(stack: Stack, county: dict[str, Any]) -> None:
    """Rows of the replicas change after registration: a rename, a move, a close."""
    c = county["compounds"][2]
    renamed = await stack.post(f"/registry/v1/entities/{c}/rename", {"name": "小区三期"})
    assert renamed.status_code == 200, renamed.text
    village = await stack.created(
        "/registry/v1/entities",
        {"name": "新村", "kind": "village", "parent_id": county["town"]},
    )
    other = await stack.created(
        "/registry/v1/entities",
        {"name": "新村二组", "kind": "compound", "parent_id": county["community"]},
    )
    moved = await stack.post(
        f"/registry/v1/entities/{other['id']}/move", {"parent_id": village["id"]}
    )
    assert moved.status_code == 200, moved.text
    closed = await stack.post(f"/registry/v1/entities/{other['id']}/close", {"reason": "合并"})
    assert closed.status_code == 200, closed.text


async def until_delisted(stack: Stack, entities: set[str]) -> None:
    async with asyncio.timeout(20):
        while True:
            listed = (await stack.http.get("/scoring/v1/delistings?tenant=t1")).json()
            if entities <= {x["entity_id"] for x in listed["delistings"]}:
                return
            await asyncio.sleep(0.05)


def registry_store(stack: Stack) -> EventStore:
    """The registry's log. The stack keeps the registry only behind its HTTP mount."""
    root = stack.http._transport.app  # type: ignore[attr-defined]
    [mount] = [r for r in root.routes if isinstance(r, Mount) and r.path == "/registry"]
    store: EventStore = mount.app.state.registry.store
    return store


def consumers_of(stack: Stack) -> list[tuple[ConsumerRunner, str]]:
    """Every consumer of the product and the service whose log feeds it, built as the product
    builds them for commands on parked events (no subscription: driven from outside)."""
    reporting_replica = ConsumerRunner(
        REPLICA,
        stack.reporting.store.db,
        None,
        apply_registry_event,
        clock=stack.reporting.clock,
    )
    scoring_replica, policy = scoring_consumers(stack.scoring, None)
    return [(reporting_replica, "registry"), (scoring_replica, "registry"), (policy, "reporting")]


async def whole_log(store: EventStore) -> list[StoredEvent]:
    events: list[StoredEvent] = []
    while batch := await store.read_all(events[-1].position if events else 0, 1000):
        events += batch
    return events


async def quiet(
    stack: Stack, runners: list[tuple[ConsumerRunner, str]], sources: dict[str, EventStore]
) -> None:
    """Wait until every consumer has processed every event of its source log (through the
    embedded bus or Kafka), then bring the read models current."""
    async with asyncio.timeout(30):
        for runner, service in runners:
            wanted = {e.event_id for e in await whole_log(sources[service])}
            while not wanted <= await processed(runner):
                await asyncio.sleep(0.05)
    await stack.reporting.catch_up()
    await stack.scoring.catch_up()


async def processed(runner: ConsumerRunner) -> set[str]:
    async with runner.db.read() as conn:
        rows = await conn.fetch(
            "SELECT event_id FROM processed_events WHERE consumer = $1", runner.name
        )
    return {row["event_id"] for row in rows}


async def snapshot(stack: Stack, sources: dict[str, EventStore]) -> dict[str, Any]:
    """Every row of every table of the consumers' databases, each service's log head, and the
    public lists as served."""
    state: dict[str, Any] = {}
    for service, db in (
        ("reporting", stack.reporting.store.db),
        ("scoring", stack.scoring.store.db),
    ):
        for table, rows in (await tables(db)).items():
            state[f"{service}:{table}"] = rows
    for service, store in {**sources, "scoring": stack.scoring.store}.items():
        state[f"head:{service}"] = await store.head()
    for name, key in (("honor-list", "holders"), ("delistings", "delistings")):
        state[f"http:{name}"] = (await stack.http.get(f"/scoring/v1/{name}?tenant=t1")).json()[key]
    return state


async def tables(db: AbstractDatabase) -> dict[str, list[str]]:
    """Each table's rows as sorted JSON lines (order of rows is not state)."""
    listing = (
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        if db.dialect == "sqlite"
        else "SELECT table_name AS name FROM information_schema.tables"
        " WHERE table_schema = current_schema()"
    )
    async with db.read() as conn:
        names = sorted(row["name"] for row in await conn.fetch(listing))
        return {
            name: sorted(
                json.dumps(dict(row), sort_keys=True, default=str)
                for row in await conn.fetch(f'SELECT * FROM "{name}"')
            )
            for name in names
        }
