"""Send-back for rework (退回整改), distinct from rejection (issue #9, point 2): any review step
returns the application to the applicant, who corrects it and resubmits within the batch."""

from __future__ import annotations

from ..conftest import advance, build_county, launch, rubric, scores

STAGES = (  # the state the application waits in, the stage it names, who reviews there
    ("submitted", "township_review", "township"),
    ("township_approved", "recommendation", "township"),
    ("recommended", "county_evaluation", "county"),
    ("county_evaluated", "county_evaluation", "county"),
)


async def test_every_review_stage_sends_back_and_the_applicant_resubmits_in_the_batch(stack):
    """Issue #9: 'A reviewer at any stage can send an application back for rework (退回整改) with
    a note. It returns to the applicant, who corrects and resubmits within the batch.'"""
    county = await build_county(stack, compounds=len(STAGES))
    campaign = await launch(stack)
    seed = await rubric(stack)
    for entity, (state, stage, level) in zip(county["compounds"], STAGES, strict=True):
        app_id = await advance(stack, campaign, entity, county["town"], state)
        path = f"/scoring/v1/applications/{app_id}"
        reviewer = (
            {"role": "township_reviewer", "scope": county["town"]}
            if level == "township"
            else {"role": "county_evaluator"}
        )
        back = await stack.post(f"{path}/send-back", {"note": "台账缺少住户电话"}, **reviewer)
        assert back.status_code == 200, back.text
        view = back.json()
        assert view["status"] == "sent_back" and view["status_zh"] == "已退回整改"
        assert view["send_backs"][-1]["stage"] == stage
        assert view["send_backs"][-1]["note"] == "台账缺少住户电话"
        assert view["inspections"] == [] and view["final_score"] is None
        admin = {"role": "entity_admin", "scope": entity}
        corrected = await stack.post(f"{path}/self-assessment", {"scores": scores(seed)}, **admin)
        assert corrected.json()["status"] == "self_assessed"
        again = await stack.post(f"{path}/submission", {}, **admin)
        assert again.status_code == 200, again.text
        assert again.json()["status"] == "submitted"
        assert again.json()["batch_id"] == campaign["batch_id"]


async def test_a_sent_back_application_is_resubmitted_only_after_it_is_corrected(stack):
    """退回整改: the applicant corrects (assesses itself again) before it resubmits."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, entity, county["town"], "submitted")
    path = f"/scoring/v1/applications/{app_id}"
    township = {"role": "township_reviewer", "scope": county["town"]}
    await stack.post(f"{path}/send-back", {"note": "请补充材料"}, **township)
    early = await stack.post(f"{path}/submission", {}, role="entity_admin", scope=entity)
    assert early.status_code == 409
    assert "已退回整改" in early.json()["error"]["message_zh"]


async def test_send_back_outside_a_review_step_is_409_naming_the_state(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "awarded")
    response = await stack.post(
        f"/scoring/v1/applications/{app_id}/send-back",
        {"note": "重新核查"},
        role="county_evaluator",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert "已授牌" in error["message_zh"] and "state awarded" in error["message_en"]
    assert "退回整改" in error["message_zh"]


async def test_a_send_back_says_what_to_correct(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "submitted")
    response = await stack.post(
        f"/scoring/v1/applications/{app_id}/send-back",
        {},
        role="township_reviewer",
        scope=county["town"],
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "note"
    empty = await stack.post(
        f"/scoring/v1/applications/{app_id}/send-back",
        {"note": None},  # what the review page sends for an empty note
        role="township_reviewer",
        scope=county["town"],
    )
    assert empty.json()["error"]["message_zh"] == "note：必填，不能为空"  # not 必须是文本


async def test_the_township_cannot_send_back_from_the_county_stage(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "recommended")
    response = await stack.post(
        f"/scoring/v1/applications/{app_id}/send-back",
        {"note": "x"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert response.status_code == 403


async def test_the_audit_timeline_shows_who_sent_back_at_which_stage_and_why(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, entity, county["town"], "recommended")
    await stack.post(
        f"/scoring/v1/applications/{app_id}/send-back",
        {"note": "消杀记录不全"},
        role="county_evaluator",
    )
    audit = await stack.get(f"/scoring/v1/entities/{entity}/audit", role="county_evaluator")
    [entry] = [e for e in audit.json()["events"] if e["type"].endswith(".sent_back.v1")]
    assert entry["reason"] == "county_evaluation" and entry["note"] == "消杀记录不全"
    assert entry["role"] == "county_evaluator"
