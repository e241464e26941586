"""Send-back (退回整改) reaches the applicant; a recorded rectification reaches its reviewers
(issue #10: "the applicant's entity admin gets review results, send-backs, rectification
orders ..."; "the reviewers of the township ... get a new application in their queue")."""

from __future__ import annotations

from services.scoring.tests.conftest import advance, build_county, launch


async def submitted(notified) -> tuple[dict, str, str]:
    county = await build_county(notified.stack, compounds=1)
    campaign = await launch(notified.stack)
    entity = county["compounds"][0]
    app_id = await advance(notified.stack, campaign, entity, county["town"], "submitted")
    return county, entity, f"/scoring/v1/applications/{app_id}"


async def test_a_send_back_tells_the_applicants_admin_once_with_the_stage(notified):
    """Issue #10: "the applicant's entity admin gets review results, send-backs"."""
    county, entity, path = await submitted(notified)
    back = await notified.stack.post(
        f"{path}/send-back",
        {"note": "台账缺少住户电话"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert back.status_code == 200, back.text
    await notified.settle()
    items = [i for i in await notified.inbox("entity_admin", entity) if "退回" in i["title_zh"]]
    assert len(items) == 1
    assert items[0]["title_zh"] == "申报被退回整改"
    assert items[0]["title_en"] == "Application sent back for rework"
    assert "乡镇审核" in items[0]["body_zh"] and "township review" in items[0]["body_en"]
    assert items[0]["link"] == f"/#/applications/{path.rsplit('/', 1)[1]}"
    assert "台账缺少住户电话" not in items[0]["body_zh"]  # the note stays private
    assert await notified.inbox("township_reviewer", county["town"]) != []


async def test_a_recorded_rectification_tells_the_township_reviewers(notified):
    """Seed 003: "验收未通过的,加强整改,在下批次复验": the reviewers hear that it was recorded."""
    county, entity, path = await submitted(notified)
    rejected = await notified.stack.post(
        f"{path}/township-review",
        {"decision": "reject", "note": "消杀台账缺失"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert rejected.json()["status"] == "rejected", rejected.text
    rectified = await notified.stack.post(
        f"{path}/rectification",
        {"note": "已补齐消杀台账", "evidence": ["台账照片.jpg"]},
        role="entity_admin",
        scope=entity,
    )
    assert rectified.status_code == 200, rectified.text
    await notified.settle()
    told = await notified.inbox("township_reviewer", county["town"])
    assert [i["title_zh"] for i in told if i["title_en"] == "Rectification recorded"] == [
        "整改已登记"
    ]
    applicant = await notified.inbox("entity_admin", entity)
    assert "申报未通过" in [i["title_zh"] for i in applicant]
    assert "整改已登记" not in [i["title_zh"] for i in applicant]
