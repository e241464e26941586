"""The delisting policy is correct in any order, on both backends: a case or complaint parked
and replayed after later events of its entity ends as if it had arrived in time. A replayed case
remembers a lift recorded before it, and delists exactly the titles held while it was open; a
replayed complaint delists exactly the titles held when it was verified."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from wuyi_scoring.adapters import inbox
from wuyi_scoring.worker import POLICY, consumers

from ..conftest import advance, build_county, day, eligible_in_scoring, launch
from .test_delisting import delisted, holders


async def scoring_sql(stack, sql: str, *args: object) -> None:
    async with stack.scoring.store.db.transaction() as conn:
        await conn.execute(sql, *args)


@asynccontextmanager
async def unknown_to_scoring(stack, entity_id: str) -> AsyncIterator[None]:
    """The entity's registration has not reached scoring's replica (so its case parks)."""
    await scoring_sql(
        stack, "UPDATE registry_entities SET tenant = 'away' WHERE id = $1", entity_id
    )
    try:
        yield
    finally:
        await scoring_sql(
            stack, "UPDATE registry_entities SET tenant = 't1' WHERE id = $1", entity_id
        )


@asynccontextmanager
async def complaints_table_gone(stack) -> AsyncIterator[None]:
    """The policy's table of verified complaints vanishes (so a verified complaint parks)."""
    await scoring_sql(stack, "ALTER TABLE verified_complaints RENAME TO verified_complaints_away")
    try:
        yield
    finally:
        await scoring_sql(
            stack, "ALTER TABLE verified_complaints_away RENAME TO verified_complaints"
        )


async def parked(stack, count: int = 1) -> None:
    """Wait until the policy's retries are spent and ``count`` events are parked."""
    async with asyncio.timeout(30):
        while True:
            async with stack.scoring.store.db.read() as conn:
                n = await conn.fetchval(
                    "SELECT COUNT(*) FROM dead_letters WHERE consumer = $1", POLICY
                )
            if n == count:
                return
            await asyncio.sleep(0.05)


async def verified_in_scoring(stack, count: int) -> None:
    async with asyncio.timeout(15):
        while True:
            async with stack.scoring.store.db.read() as conn:
                if await conn.fetchval("SELECT COUNT(*) FROM verified_complaints") == count:
                    return
            await asyncio.sleep(0.05)


async def replay(stack) -> tuple[int, int]:
    return await consumers(stack.scoring, None)[1].replay_dead_letters()


async def county_in_notice(stack, campaigns: int) -> tuple[dict, list[dict], list[str]]:
    """One compound, ``campaigns`` campaigns (cycle and notice of one day), an application in
    each at public notice (closing tomorrow), and the compound's grid reported today, so it
    can be eligible again tomorrow once a case is lifted."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    launched = [
        await launch(stack, title=f"无疫小区创建{n}", cycle_days=1, notice_days=1)
        for n in range(campaigns)
    ]
    apps = [await advance(stack, c, entity, county["town"], "in_public_notice") for c in launched]
    async with stack.scoring.store.db.read() as conn:
        grid = await conn.fetchval("SELECT id FROM registry_grids WHERE entity_id = $1", entity)
    stack.move_to(16, 0, day(0))
    assert (await stack.report(grid, day=day(0))).status_code == 201
    return county, launched, apps


async def award(stack, application_id: str):
    return await stack.post(
        f"/scoring/v1/applications/{application_id}/award", {}, role="county_evaluator"
    )


async def case_parked_then_lifted(stack, entity_id: str) -> None:
    """A case in the entity parks in scoring; reporting then lifts it, and scoring applies the
    lift (the entity is eligible again) before the parked case is replayed."""
    stack.move_to(10, 0, day(1))
    async with unknown_to_scoring(stack, entity_id):
        case = await stack.created(
            "/reporting/v1/cases",
            {"entity_id": entity_id, "kind": "confirmed", "date": str(day(0))},
        )
        await parked(stack)
    await eligible_in_scoring(stack, entity_id, eligible=False)
    stack.move_to(11, 0, day(1))
    lifted = await stack.post(f"/reporting/v1/cases/{case['id']}/lift", {})
    assert lifted.status_code == 200, lifted.text
    await eligible_in_scoring(stack, entity_id, eligible=True)


async def test_a_case_replayed_after_its_lift_is_recorded_lifted(stack):
    county, _, [app] = await county_in_notice(stack, campaigns=1)
    entity = county["compounds"][0]
    await case_parked_then_lifted(stack, entity)

    assert await replay(stack) == (1, 0)
    async with stack.scoring.store.db.read() as conn:
        assert await inbox.open_cases_under(conn, "t1", entity) == []
    stack.move_to(9, 0, day(2))
    awarded = await award(stack, app)  # not refused for an open case
    assert awarded.status_code == 200, awarded.text


async def test_a_late_case_delists_only_the_titles_held_before_its_lift(stack):
    county, _, [before, after] = await county_in_notice(stack, campaigns=2)
    entity = county["compounds"][0]
    stack.move_to(9, 0, day(1))
    assert (await award(stack, before)).status_code == 200
    await case_parked_then_lifted(stack, entity)
    stack.move_to(12, 0, day(1))
    assert (await award(stack, after)).status_code == 200  # the lift is known, the case not

    assert await replay(stack) == (1, 0)
    [loss] = await delisted(stack, entity)
    assert loss["application_id"] == before and loss["reason"] == "case"
    assert await replay(stack) == (0, 0)
    listed = (await stack.http.get("/scoring/v1/honor-list?tenant=t1")).json()["holders"]
    assert [h["application_id"] for h in listed] == [after]
    assert len(await delisted(stack, entity)) == 1


async def test_a_late_complaint_delists_only_the_titles_held_when_it_was_verified(stack):
    county, _, [before, after] = await county_in_notice(stack, campaigns=2)
    entity = county["compounds"][0]
    stack.move_to(9, 0, day(1))
    assert (await award(stack, before)).status_code == 200
    for n in range(2):  # the threshold is two verified complaints; the second parks
        stack.move_to(10 + n, 0, day(1))
        complaint = await stack.created(
            "/reporting/v1/complaints",
            {"entity_id": entity, "summary": f"投诉{n}", "source": "12345"},
        )
        verify = stack.post(
            f"/reporting/v1/complaints/{complaint['id']}/verification",
            {"verified": True, "note": "属实"},
            role="township_reviewer",
            scope=county["town"],
        )
        if n == 0:
            assert (await verify).status_code == 200
            await verified_in_scoring(stack, 1)
            continue
        async with complaints_table_gone(stack):
            assert (await verify).status_code == 200
            await parked(stack)
    stack.move_to(12, 0, day(1))
    assert (await award(stack, after)).status_code == 200

    assert await replay(stack) == (1, 0)
    [loss] = await delisted(stack, entity)
    assert loss["application_id"] == before and loss["reason"] == "complaints"
    assert await holders(stack) == {entity}
