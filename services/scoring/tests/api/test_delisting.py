"""Dynamic management (动态管理) on both backends: every cause that takes a title away, the
nested township title that falls with its compounds, and re-applying after a delisting."""

from __future__ import annotations

import asyncio

from ..conftest import advance, build_county, day, launch, rubric, scores


async def delisted(stack, entity_id: str) -> list[dict]:
    async with asyncio.timeout(20):
        while True:
            rows = (await stack.http.get("/scoring/v1/delistings?tenant=t1")).json()["delistings"]
            found = [r for r in rows if r["entity_id"] == entity_id]
            if found:
                return found
            await asyncio.sleep(0.05)


async def holders(stack) -> set[str]:
    listed = (await stack.http.get("/scoring/v1/honor-list?tenant=t1")).json()["holders"]
    return {h["entity_id"] for h in listed}


async def test_new_case_under_a_titled_township_delists_the_compound_and_the_township(stack):
    county = await build_county(stack, compounds=2)
    a, b = county["compounds"]
    compounds = await launch(stack)
    for entity in (a, b):
        await advance(stack, compounds, entity, county["town"])
    await titled_township(stack, county, compounds)
    assert await holders(stack) == {a, b, county["town"]}

    await stack.created(
        "/reporting/v1/cases", {"entity_id": a, "kind": "confirmed", "date": str(day(10))}
    )
    [compound_loss] = await delisted(stack, a)
    [town_loss] = await delisted(stack, county["town"])
    assert compound_loss["reason"] == town_loss["reason"] == "case"
    assert compound_loss["cause_event_id"] == town_loss["cause_event_id"]
    assert await holders(stack) == {b}


async def test_a_compound_lost_by_spot_check_brings_down_the_township_below_its_share(stack):
    county = await build_county(stack, compounds=2)
    a, b = county["compounds"]
    compounds = await launch(stack)
    apps = {e: await advance(stack, compounds, e, county["town"]) for e in (a, b)}
    await titled_township(stack, county, compounds)
    seed = await rubric(stack)
    failing = {k: (v if isinstance(v, bool) else 0) for k, v in scores(seed).items()}
    checked = await stack.post(
        f"/scoring/v1/applications/{apps[a]}/spot-checks",
        {"scores": failing, "evidence": ["抽查记录.pdf"]},
        role="county_evaluator",
    )
    assert checked.status_code == 201 and checked.json()["status"] == "delisted"
    [town_loss] = await delisted(stack, county["town"])
    [spot] = await delisted(stack, a)
    assert spot["reason"] == "spot_check" and town_loss["reason"] == "component_share"
    assert town_loss["cause_event_id"] == spot["id"]
    assert await holders(stack) == {b}


async def test_verified_complaints_reaching_the_threshold_delist(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)  # threshold: 2 verified complaints in 30 days
    await advance(stack, campaign, entity, county["town"])
    for n in range(2):
        complaint = await stack.created(
            "/reporting/v1/complaints",
            {"entity_id": entity, "summary": f"投诉{n}", "source": "12345"},
        )
        verified = await stack.post(
            f"/reporting/v1/complaints/{complaint['id']}/verification",
            {"verified": True, "note": "属实"},
            role="township_reviewer",
            scope=county["town"],
        )
        assert verified.status_code == 200, verified.text
        if n == 0:
            await asyncio.sleep(0.5)
            assert entity in await holders(stack)  # one is not enough
    [loss] = await delisted(stack, entity)
    assert loss["reason"] == "complaints" and loss["reason_zh"] == "群众投诉集中且经核实"


async def test_a_rectification_order_left_undone_past_its_deadline_delists(stack):
    from wuyi_scoring.application.management import sweep_overdue

    county = await build_county(stack, compounds=2)
    a, b = county["compounds"]
    campaign = await launch(stack)
    apps = {e: await advance(stack, campaign, e, county["town"]) for e in (a, b)}
    due = day(20)
    for entity in (a, b):
        ordered = await stack.post(
            f"/scoring/v1/applications/{apps[entity]}/rectification-orders",
            {"due_on": str(due), "note": "垃圾分类不到位"},
            role="township_reviewer",
            scope=county["town"],
        )
        assert ordered.status_code == 201, ordered.text
    order_b = ordered.json()["rectification_orders"][0]["id"]
    done = await stack.post(
        f"/scoring/v1/applications/{apps[b]}/rectification-orders/{order_b}/completion",
        {"evidence": ["整改照片.jpg"]},
        role="entity_admin",
        scope=b,
    )
    assert done.json()["rectification_orders"][0]["completed"] is True
    stack.move_to(9, 0, due)
    assert await sweep_overdue(stack.scoring) == 0  # the deadline day itself still counts
    stack.move_to(9, 0, day(21))
    assert await sweep_overdue(stack.scoring) == 1
    assert await sweep_overdue(stack.scoring) == 0
    [loss] = await delisted(stack, a)
    assert loss["reason"] == "rectification_overdue"
    assert await holders(stack) == {b}


async def test_fraud_is_delisted_by_hand_flagged_and_once_rectified_may_reapply_later(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    await advance(stack, campaign, entity, county["town"])
    manual = await stack.post(
        f"/scoring/v1/entities/{entity}/delisting",
        {"reason": "fraud", "note": "台账数据造假"},
        role="county_evaluator",
    )
    assert manual.status_code == 200, manual.text
    [loss] = await delisted(stack, entity)
    assert loss["fraud"] is True and loss["cause_event_id"] is None
    again = await stack.post(
        f"/scoring/v1/entities/{entity}/delisting",
        {"reason": "fraud", "note": "again"},
        role="county_evaluator",
    )
    assert again.status_code == 409
    township_cannot = await stack.post(
        f"/scoring/v1/entities/{entity}/delisting",
        {"reason": "fraud", "note": "x"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert township_cannot.status_code == 403
    [app_id] = [a["id"] for a in manual.json()["delisted"]]
    rectified = await stack.post(
        f"/scoring/v1/applications/{app_id}/rectification",
        {"note": "台账已重新核实"},
        role="entity_admin",
        scope=entity,
    )
    assert rectified.status_code == 200, rectified.text
    second = await stack.created(
        f"/scoring/v1/campaigns/{campaign['id']}/batches",
        {"name": "第二批", "opens_on": str(day(5)), "closes_on": str(day(60))},
    )
    reopened = await advance(
        stack, {**campaign, "batch_id": second["id"]}, entity, county["town"], "self_assessed"
    )
    assert reopened


async def test_a_redelivered_case_does_not_delist_twice(stack):
    from wuyi_core.bus.port import Delivery
    from wuyi_scoring.worker import consumers

    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    await advance(stack, campaign, entity, county["town"])
    case = await stack.created(
        "/reporting/v1/cases", {"entity_id": entity, "kind": "confirmed", "date": str(day(5))}
    )
    await delisted(stack, entity)
    [event] = await stack.reporting.store.read_stream("t1", f"case:{case['id']}")
    policy = consumers(stack.scoring, None)[1]
    head = await stack.scoring.store.head()
    await policy.process(Delivery(event.envelope()))
    assert await stack.scoring.store.head() == head
    assert len(await delisted(stack, entity)) == 1


async def titled_township(stack, county: dict, compounds: dict) -> None:
    """A 无疫乡镇 campaign resting on all of the township's compounds holding 无疫小区, and the
    township awarded it (every grid under it reported, so reporting published it eligible)."""
    from ..conftest import eligible_in_scoring

    townships = await launch(
        stack,
        title="无疫乡镇创建",
        award_title="无疫乡镇",
        entity_kinds=["township"],
        rubric_id="seed-000-township-v1",
        component={"campaign_id": compounds["id"], "min_share": 1.0},
    )
    await eligible_in_scoring(stack, county["town"])
    await advance(stack, townships, county["town"], county["town"])


async def test_only_the_case_kinds_the_campaign_names_delist(stack):
    """Seed 001 篇二: 原达标小区新增确诊病例,立即摘牌 — a confirmed case delists by default; a
    secondary contact counts for the 14-day rule but takes no title (issue #9); a campaign may
    name more kinds."""
    county = await build_county(stack, compounds=2)
    a, b = county["compounds"]
    default = await launch(stack)
    wider = await launch(
        stack, title="含无症状", delisting={"case_kinds": ["confirmed", "asymptomatic"]}
    )
    await advance(stack, default, a, county["town"])
    await advance(stack, wider, b, county["town"])
    for entity in (a, b):
        for kind in ("secondary_contact", "close_contact"):
            body = {"entity_id": entity, "kind": kind, "date": str(day(10))}
            await stack.created("/reporting/v1/cases", body)
    await stack.created(
        "/reporting/v1/cases", {"entity_id": b, "kind": "asymptomatic", "date": str(day(10))}
    )
    [lost] = await delisted(stack, b)
    assert lost["reason"] == "case"
    assert await holders(stack) == {a}  # contacts took nothing; asymptomatic only where named
    await stack.created(
        "/reporting/v1/cases", {"entity_id": a, "kind": "confirmed", "date": str(day(10))}
    )
    await delisted(stack, a)
    assert await holders(stack) == set()
