"""Rubrics and campaigns through the API, on both backends: the built-in seed rubrics, a
county's own rubric versions, campaign validation, batches and the quota report."""

from __future__ import annotations

from ..conftest import COMPOUND_RUBRIC, advance, build_county, launch, rubric

OWN = {
    "code": "county-compound",
    "name": "本县无疫小区评分表",
    "kind": "points",
    "application_mark": 60,
    "pass_mark": 85,
    "sections": [
        {
            "id": "org",
            "name": "组织领导",
            "items": [{"id": "org.1", "name": "专班", "max_points": 40}],
        },
        {
            "id": "fx",
            "name": "防控措施",
            "items": [{"id": "fx.1", "name": "排查", "max_points": 60}],
        },
    ],
}


async def test_the_six_seed_rubrics_are_built_in(stack):
    rubrics = (await stack.get("/scoring/v1/rubrics")).json()
    built_in = {r["code"]: r for r in rubrics if r["built_in"]}
    assert len(built_in) == 6
    township = built_in["seed-000-township"]
    assert township["pass_mark"] == 90 and township["max_total"] == 100
    assert [s["name"] for s in township["sections"]][:2] == ["组织体系健全", "防控措施到位"]


async def test_a_county_rubric_is_published_in_immutable_versions(stack):
    await build_county(stack, compounds=1)
    first = await stack.created("/scoring/v1/rubrics", OWN)
    second = await stack.created("/scoring/v1/rubrics", {**OWN, "pass_mark": 90})
    assert (first["version"], second["version"]) == (1, 2) and first["id"] != second["id"]
    campaign = await launch(stack, rubric_id=first["id"])
    assert campaign["rubric_version"] == 1 and campaign["pass_mark"] == 85
    own = [r for r in (await stack.get("/scoring/v1/rubrics")).json() if not r["built_in"]]
    assert [(r["code"], r["version"], r["pass_mark"]) for r in own] == [
        ("county-compound", 1, 85),
        ("county-compound", 2, 90),
    ]


async def test_only_a_county_admin_publishes_rubrics_and_launches_campaigns(stack):
    county = await build_county(stack, compounds=1)
    for who in (
        {"role": "county_evaluator"},
        {"role": "township_reviewer", "scope": county["town"]},
    ):
        assert (await stack.post("/scoring/v1/rubrics", OWN, **who)).status_code == 403
    body = {
        "title": "x",
        "doc_number": "x",
        "issuer": "x",
        "award_title": "x",
        "entity_kinds": ["compound"],
        "rubric_id": COMPOUND_RUBRIC,
    }
    assert (
        await stack.post("/scoring/v1/campaigns", body, role="county_evaluator")
    ).status_code == 403


async def test_a_malformed_rubric_is_422_naming_the_rule(stack):
    await build_county(stack, compounds=1)
    duplicate = {**OWN, "sections": [OWN["sections"][0], OWN["sections"][0]]}
    response = await stack.post("/scoring/v1/rubrics", duplicate)
    assert response.status_code == 422 and "unique" in response.json()["error"]["message_en"]
    too_high = await stack.post("/scoring/v1/rubrics", {**OWN, "pass_mark": 120})
    assert too_high.status_code == 422 and "exceed" in too_high.json()["error"]["message_en"]
    assert [r for r in (await stack.get("/scoring/v1/rubrics")).json() if not r["built_in"]] == []


async def test_a_campaign_names_an_existing_rubric_and_marks_within_its_total(stack):
    await build_county(stack, compounds=1)
    body = {
        "title": "活动",
        "doc_number": "文号",
        "issuer": "县",
        "award_title": "无疫小区",
        "entity_kinds": ["compound"],
    }
    missing = await stack.post("/scoring/v1/campaigns", {**body, "rubric_id": "nope"})
    assert missing.status_code == 404 and missing.json()["error"]["message_en"].startswith(
        "rubric_id"
    )
    high = await stack.post(
        "/scoring/v1/campaigns", {**body, "rubric_id": COMPOUND_RUBRIC, "pass_mark": 150}
    )
    assert high.status_code == 422
    kinds = await stack.post(
        "/scoring/v1/campaigns", {**body, "rubric_id": COMPOUND_RUBRIC, "entity_kinds": ["town"]}
    )
    assert kinds.status_code == 422 and kinds.json()["error"]["field"] == "entity_kinds.0"


async def test_a_batch_name_is_used_once_per_campaign_and_dates_are_ordered(stack):
    await build_county(stack, compounds=1)
    campaign = await launch(stack)
    path = f"/scoring/v1/campaigns/{campaign['id']}/batches"
    twice = await stack.post(
        path, {"name": "首批", "opens_on": "2026-03-10", "closes_on": "2026-04-10"}
    )
    assert twice.status_code == 409
    backwards = await stack.post(
        path, {"name": "第二批", "opens_on": "2026-05-10", "closes_on": "2026-04-10"}
    )
    assert backwards.status_code == 422


async def test_the_quota_report_names_the_townships_short_of_their_minimum(stack):
    county = await build_county(stack, compounds=2)
    other = await stack.created(
        "/registry/v1/entities",
        {"name": "西林镇", "kind": "township", "parent_id": county["county"]},
    )
    await stack.replicated(other["id"])
    campaign = await launch(
        stack, quotas={"per_township": 1, "per_county_by_kind": {"compound": 3}}
    )
    await advance(stack, campaign, county["compounds"][0], county["town"], "submitted")
    await advance(stack, campaign, county["compounds"][1], county["town"], "self_assessed")
    report = (
        await stack.get(
            f"/scoring/v1/campaigns/{campaign['id']}/batches/{campaign['batch_id']}/quotas"
        )
    ).json()
    assert report["met"] is False
    assert [(s["scope"], s["name"], s["missing"]) for s in report["short"]] == [
        ("township", "西林镇", 1),
        ("county", None, 2),
    ]


async def test_rubric_scores_of_the_campaign_rubric_come_back_with_the_application(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "self_assessed")
    view = (await stack.get(f"/scoring/v1/applications/{app_id}")).json()
    seed = await rubric(stack)
    assert set(view["self_assessment"]["scores"]) == {
        i["id"] for s in seed["sections"] for i in s["items"]
    }
    assert view["self_assessment"]["total"] == 100


async def test_a_scoring_write_wakes_the_relay_and_followers_at_once(stack):
    """Scoring appends inside its own transaction; the store's listeners (the relay's wake-up)
    still hear of it after the commit, not at the next poll."""
    await build_county(stack, compounds=1)
    woken = []
    stack.scoring.store.on_append(lambda: woken.append(1))
    await launch(stack)
    assert len(woken) >= 2  # the campaign and its batch
