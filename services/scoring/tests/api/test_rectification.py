"""Rejection and delisting put the entity into rectification (整改): no new application in the
same batch, and in a later batch only once the rectification is recorded (issue #9, point 2)."""

from __future__ import annotations

import asyncio

from ..conftest import advance, build_county, day, launch

SEED_003 = "验收未通过的,加强整改,在下批次复验"


async def rejected(stack, county, campaign, entity) -> str:
    app_id = await advance(stack, campaign, entity, county["town"], "submitted")
    response = await stack.post(
        f"/scoring/v1/applications/{app_id}/township-review",
        {"decision": "reject", "note": "消杀台账缺失"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert response.json()["status"] == "rejected"
    return app_id


async def apply(stack, campaign, batch_id, entity):
    return await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": batch_id, "entity_id": entity},
        role="entity_admin",
        scope=entity,
    )


async def rectify(stack, app_id, entity):
    return await stack.post(
        f"/scoring/v1/applications/{app_id}/rectification",
        {"note": "已补齐消杀台账", "evidence": ["台账照片.jpg"]},
        role="entity_admin",
        scope=entity,
    )


async def second_batch(stack, campaign) -> str:
    batch = await stack.created(
        f"/scoring/v1/campaigns/{campaign['id']}/batches",
        {"name": "第二批", "opens_on": str(day(0)), "closes_on": str(day(40))},
    )
    return str(batch["id"])


async def test_a_rejected_entity_is_refused_in_the_same_batch_even_after_rectifying(stack):
    """Seed 003: 验收未通过的,加强整改,在下批次复验 — re-review is in the next batch."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await rejected(stack, county, campaign, entity)
    before = await apply(stack, campaign, campaign["batch_id"], entity)
    assert (await rectify(stack, app_id, entity)).status_code == 200
    after = await apply(stack, campaign, campaign["batch_id"], entity)
    for refused in (before, after):
        assert refused.status_code == 409, refused.text
        error = refused.json()["error"]
        assert SEED_003 in error["message_zh"] and "next batch" in error["message_en"]
        assert error["field"] == "batch_id"


async def test_a_rejected_entity_applies_in_a_later_batch_only_once_rectification_is_recorded(
    stack,
):
    """Seed 003: 验收未通过的,加强整改,在下批次复验 — rectify first, then the next batch."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await rejected(stack, county, campaign, entity)
    batch_id = await second_batch(stack, campaign)
    early = await apply(stack, campaign, batch_id, entity)
    assert early.status_code == 409, early.text
    assert "须先记录整改" in early.json()["error"]["message_zh"]
    assert "record its rectification" in early.json()["error"]["message_en"]
    recorded = await rectify(stack, app_id, entity)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["status"] == "rectified"
    assert recorded.json()["rectification"]["evidence"] == ["台账照片.jpg"]
    assert (await apply(stack, campaign, batch_id, entity)).status_code == 201


async def test_a_delisted_entity_applies_again_only_after_recording_its_rectification(stack):
    """Seed 001: 督促激发被摘牌小区强化措施; seed 003: 加强整改,在下批次复验."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, entity, county["town"])
    await stack.post(
        f"/scoring/v1/entities/{entity}/delisting",
        {"reason": "spot_check", "note": "抽查不合格"},
        role="county_evaluator",
    )
    batch_id = await second_batch(stack, campaign)
    assert (await apply(stack, campaign, batch_id, entity)).status_code == 409
    assert (await rectify(stack, app_id, entity)).status_code == 200
    assert (await apply(stack, campaign, batch_id, entity)).status_code == 201


async def test_only_a_rejected_or_delisted_application_records_a_rectification(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, entity, county["town"], "submitted")
    response = await rectify(stack, app_id, entity)
    assert response.status_code == 409
    assert "已申报" in response.json()["error"]["message_zh"]


async def test_the_entity_side_records_its_rectification_not_the_reviewer(stack):
    """DOMAIN.md, actors: the entity admin ... submits rectification."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await rejected(stack, county, campaign, entity)
    response = await stack.post(
        f"/scoring/v1/applications/{app_id}/rectification",
        {"note": "x"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert response.status_code == 403


async def test_two_openings_at_once_after_rectification_one_wins_the_rest_409(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await rejected(stack, county, campaign, entity)
    batch_id = await second_batch(stack, campaign)
    await rectify(stack, app_id, entity)
    openings = await asyncio.gather(*(apply(stack, campaign, batch_id, entity) for _ in range(3)))
    assert sorted(r.status_code for r in openings) == [201, 409, 409]
