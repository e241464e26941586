"""Review chains per campaign through the API (issue #9, point 1): a campaign names its stages,
whether a public notice is held, whether the county keeps a record, and whether the deciding act
is collective; each seed campaign ships as a preset."""

from __future__ import annotations

from ..conftest import advance, build_county, launch, rubric, scores


async def submitted(stack, campaign, entity) -> str:
    seed = await rubric(stack, campaign["rubric_id"])
    admin = {"role": "entity_admin", "scope": entity}
    opened = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": entity},
        **admin,
    )
    path = f"/scoring/v1/applications/{opened.json()['id']}"
    await stack.post(f"{path}/self-assessment", {"scores": scores(seed)}, **admin)
    response = await stack.post(f"{path}/submission", {}, **admin)
    assert response.json()["status"] == "submitted", response.text
    return path


async def test_seed_003_the_township_accepts_and_the_county_keeps_a_record(stack):
    """Seed 003: 组成验收组,进行无疫社区(村)验收。验收达标的,报县进行备案."""
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack, preset="seed-003")
    assert campaign["review_chain"]["preset"] == "seed-003"
    path = await submitted(stack, campaign, county["compounds"][0])
    township = {"role": "township_reviewer", "scope": county["town"]}
    county_evaluator = {"role": "county_evaluator"}
    assert (await stack.post(f"{path}/recommendation", {}, **township)).status_code == 409
    inspection = {"kind": "open", "scores": scores(await rubric(stack))}
    assert (
        await stack.post(f"{path}/inspections", inspection, **county_evaluator)
    ).status_code == 403
    inspected = await stack.post(f"{path}/inspections", inspection, **township)
    assert (
        inspected.status_code == 201 and inspected.json()["stage"]["key"] == "township_acceptance"
    )
    assert (await stack.post(f"{path}/public-notice", {}, **township)).status_code == 409
    awarded = await stack.post(f"{path}/award", {}, **township)
    assert awarded.status_code == 200, awarded.text
    assert awarded.json()["status"] == "awarded" and awarded.json()["next"] == ["county_record"]
    assert (await stack.post(f"{path}/county-record", {}, **township)).status_code == 403
    recorded = await stack.post(
        f"{path}/county-record", {"record_ref": "备案〔2022〕7号"}, **county_evaluator
    )
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["county_record"]["record_ref"] == "备案〔2022〕7号"
    assert (await stack.post(f"{path}/county-record", {}, **county_evaluator)).status_code == 409


async def test_seed_001_the_collective_decision_names_its_meeting_beside_the_actor(stack):
    """Seed 001 篇六: 经过县疫情防控工作领导小组研究后确定无疫小区(社区、村)名单."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack, preset="seed-001")
    app_id = await advance(stack, campaign, entity, county["town"], "county_evaluated")
    path = f"/scoring/v1/applications/{app_id}"
    evaluator = {"role": "county_evaluator"}
    bare = await stack.post(f"{path}/public-notice", {}, **evaluator)
    assert bare.status_code == 422 and bare.json()["error"]["field"] == "decision_ref"
    ref = "县疫情防控工作领导小组2022年第3次会议纪要"
    opened = await stack.post(f"{path}/public-notice", {"decision_ref": ref}, **evaluator)
    assert opened.status_code == 200 and opened.json()["status"] == "in_public_notice"
    audit = await stack.get(f"/scoring/v1/entities/{entity}/audit", **evaluator)
    [entry] = [e for e in audit.json()["events"] if e["type"].endswith("public_notice_opened.v1")]
    assert entry["decision_ref"] == ref and entry["role"] == "county_evaluator"


async def test_seed_002_the_body_above_accepts_its_own_sections_collectively(stack):
    """Seed 002: 局领导小组对全局自评合格的"无疫单位"进行考核验收 — here the community stands
    for the bureau and its compounds for the sections."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack, preset="seed-002")
    path = await submitted(stack, campaign, entity)
    bureau = {"role": "entity_admin", "scope": county["community"]}
    inspection = {"kind": "open", "scores": scores(await rubric(stack))}
    own = await stack.post(f"{path}/inspections", inspection, role="entity_admin", scope=entity)
    assert own.status_code == 403
    assert (await stack.post(f"{path}/inspections", inspection, **bureau)).status_code == 201
    bare = await stack.post(f"{path}/award", {}, **bureau)
    assert bare.status_code == 422 and bare.json()["error"]["field"] == "decision_ref"
    awarded = await stack.post(f"{path}/award", {"decision_ref": "局党组会议〔2022〕9号"}, **bureau)
    assert awarded.status_code == 200 and awarded.json()["status"] == "awarded"


async def test_a_campaign_names_a_preset_or_its_own_chain_not_both(stack):
    await build_county(stack, compounds=1)
    body = {
        "title": "x",
        "doc_number": "x〔2022〕1号",
        "issuer": "x",
        "award_title": "无疫小区",
        "entity_kinds": ["compound"],
        "rubric_id": "seed-003-compound-v1",
        "preset": "seed-000",
        "review_chain": {
            "stages": [
                {"key": "a", "name": "验收", "act": "inspect", "level": "county", "accepts": True}
            ]
        },
    }
    response = await stack.post("/scoring/v1/campaigns", body, role="county_admin")
    assert response.status_code == 422
