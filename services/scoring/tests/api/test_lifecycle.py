"""The application lifecycle's rules through the API, on both backends: scores computed by the
rubric, marks and eligibility on submission, illegal transitions, roles and scopes, concurrency,
the notice window and objections."""

from __future__ import annotations

import asyncio

from ..conftest import advance, build_county, day, eligible_in_scoring, launch, rubric, scores


async def opened(stack, campaign, entity_id):
    response = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": entity_id},
        role="entity_admin",
        scope=entity_id,
    )
    assert response.status_code == 201, response.text
    return f"/scoring/v1/applications/{response.json()['id']}"


async def test_item_scores_above_max_unknown_or_missing_are_422_naming_each(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    path = await opened(stack, campaign, county["compounds"][0])
    seed = await rubric(stack)
    bad = scores(seed)
    first = next(k for k, v in bad.items() if not isinstance(v, bool))
    second = next(k for k in bad if k != first)
    bad[first] = 1000
    del bad[second]
    bad["no.such.item"] = 1
    response = await stack.post(
        f"{path}/self-assessment",
        {"scores": bad},
        role="entity_admin",
        scope=county["compounds"][0],
    )
    assert response.status_code == 422
    error = response.json()["error"]
    for item in (first, second, "no.such.item"):
        assert item in error["message_en"]
    assert "超过满分" in error["message_zh"] and error["field"].startswith("scores.")
    assert (await stack.get(path)).json()["status"] == "draft"  # nothing written


async def test_the_total_is_computed_by_the_rubric_and_cannot_be_typed_in(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    path = await opened(stack, campaign, county["compounds"][0])
    response = await stack.post(
        f"{path}/self-assessment",
        {"scores": scores(await rubric(stack)), "total": 100},
        role="entity_admin",
        scope=county["compounds"][0],
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "total"


async def test_submission_below_the_application_mark_is_refused_naming_the_mark(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack, application_mark=99.5)
    path = await opened(stack, campaign, entity)
    admin = {"role": "entity_admin", "scope": entity}
    await stack.post(f"{path}/self-assessment", {"scores": scores(await rubric(stack), 1)}, **admin)
    response = await stack.post(f"{path}/submission", {}, **admin)
    assert response.status_code == 422
    assert "99.5" in response.json()["error"]["message_zh"]
    assert response.json()["error"]["field"] == "self_assessment"


async def test_an_ineligible_entity_cannot_submit_and_the_error_names_the_rule(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    path = await opened(stack, campaign, entity)
    admin = {"role": "entity_admin", "scope": entity}
    await stack.post(f"{path}/self-assessment", {"scores": scores(await rubric(stack))}, **admin)
    await stack.created(
        "/reporting/v1/cases", {"entity_id": entity, "kind": "close_contact", "date": str(day(0))}
    )
    await eligible_in_scoring(stack, entity, eligible=False)
    response = await stack.post(f"{path}/submission", {}, **admin)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "eligibility" and "cycle" in error["message_en"]
    assert "14天内无病例" in error["message_zh"]


async def test_an_illegal_transition_is_409_naming_the_current_state(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    path = await opened(stack, campaign, county["compounds"][0])
    response = await stack.post(f"{path}/award", {}, role="county_evaluator")
    assert response.status_code == 409
    error = response.json()["error"]
    assert "草稿" in error["message_zh"] and "state draft" in error["message_en"]


async def test_two_reviewers_deciding_at_once_one_wins_and_the_other_gets_409(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "submitted")
    township = {"role": "township_reviewer", "scope": county["town"]}
    decisions = await asyncio.gather(
        stack.post(
            f"/scoring/v1/applications/{app_id}/township-review",
            {"decision": "approve"},
            **township,
        ),
        stack.post(
            f"/scoring/v1/applications/{app_id}/township-review",
            {"decision": "reject", "note": "材料不全"},
            **township,
        ),
    )
    assert sorted(r.status_code for r in decisions) == [200, 409]


async def test_a_review_after_the_rejection_hears_the_state_409_not_403(stack):
    """The reviewer who lost the race to a rejection may still act on the application's chain:
    the answer names the state (409), whichever decision came first."""
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "submitted")
    township = {"role": "township_reviewer", "scope": county["town"]}
    path = f"/scoring/v1/applications/{app_id}/township-review"
    rejected = await stack.post(path, {"decision": "reject", "note": "材料不全"}, **township)
    assert rejected.status_code == 200
    late = await stack.post(path, {"decision": "approve"}, **township)
    assert late.status_code == 409 and late.json()["error"]["field"] == "status"


async def test_a_reviewer_of_another_township_cannot_review(stack):
    county = await build_county(stack, compounds=1)
    other = await stack.created(
        "/registry/v1/entities",
        {"name": "西林镇", "kind": "township", "parent_id": county["county"]},
    )
    await stack.replicated(other["id"])
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "submitted")
    response = await stack.post(
        f"/scoring/v1/applications/{app_id}/township-review",
        {"decision": "approve"},
        role="township_reviewer",
        scope=other["id"],
    )
    assert response.status_code == 403
    entity_admin = await stack.post(
        f"/scoring/v1/applications/{app_id}/township-review",
        {"decision": "approve"},
        role="entity_admin",
        scope=county["compounds"][0],
    )
    assert entity_admin.status_code == 403


async def test_the_public_reads_the_lists_and_objects_but_writes_nothing_else(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(
        stack, campaign, county["compounds"][0], county["town"], "in_public_notice"
    )
    path = f"/scoring/v1/applications/{app_id}"
    assert (await stack.http.get("/scoring/v1/honor-list?tenant=t1")).status_code == 200
    assert (await stack.http.get("/scoring/v1/delistings?tenant=t1")).status_code == 200
    objection = await stack.http.post(f"{path}/objections", json={"text": "情况不实"})
    assert objection.status_code == 201
    for url, body in (
        (f"{path}/award", {}),
        (f"{path}/objections/{objection.json()['id']}/ruling", {"upheld": True, "note": "x"}),
        ("/scoring/v1/campaigns", {}),
        (f"/scoring/v1/entities/{county['compounds'][0]}/delisting", {}),
    ):
        assert (await stack.http.post(url, json=body)).status_code == 401
    assert (await stack.http.get(path)).status_code == 401


async def test_award_waits_for_the_notice_window_and_every_ruling(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack, notice_days=3)
    app_id = await advance(
        stack, campaign, county["compounds"][0], county["town"], "in_public_notice"
    )
    path = f"/scoring/v1/applications/{app_id}"
    evaluator = {"role": "county_evaluator"}
    assert (await stack.post(f"{path}/award", {}, **evaluator)).status_code == 409
    await stack.http.post(f"{path}/objections", json={"text": "有异议"})
    stack.move_to(9, 0, day(3))
    late = await stack.http.post(f"{path}/objections", json={"text": "迟到的异议"})
    assert late.status_code == 409
    pending = await stack.post(f"{path}/award", {}, **evaluator)
    assert pending.status_code == 409 and pending.json()["error"]["field"] == "objections"


async def test_an_upheld_objection_rejects_and_once_rectified_the_entity_applies_later(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, entity, county["town"], "in_public_notice")
    path = f"/scoring/v1/applications/{app_id}"
    objection = (await stack.http.post(f"{path}/objections", json={"text": "台账造假"})).json()
    ruled = await stack.post(
        f"{path}/objections/{objection['id']}/ruling",
        {"upheld": True, "note": "属实"},
        role="county_evaluator",
    )
    assert ruled.json()["status"] == "rejected"
    assert ruled.json()["rejection"] == {"stage": "public_notice", "note": "属实"}
    rectified = await stack.post(
        f"{path}/rectification", {"note": "台账已核实更正"}, role="entity_admin", scope=entity
    )
    assert rectified.json()["status"] == "rectified"
    second = await stack.created(
        f"/scoring/v1/campaigns/{campaign['id']}/batches",
        {"name": "第二批", "opens_on": str(day(0)), "closes_on": str(day(40))},
    )
    again = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": second["id"], "entity_id": entity},
        role="entity_admin",
        scope=entity,
    )
    assert again.status_code == 201, again.text


async def test_one_live_application_per_entity_and_campaign(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    await opened(stack, campaign, entity)
    twice = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": entity},
        role="entity_admin",
        scope=entity,
    )
    assert twice.status_code == 409


async def test_final_score_combines_inspections_by_the_campaign_rule(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack, inspection_rule="min")
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "recommended")
    seed = await rubric(stack)
    for kind, short in (("open", 1), ("unannounced", 5)):
        await stack.post(
            f"/scoring/v1/applications/{app_id}/inspections",
            {"kind": kind, "scores": scores(seed, short), "evidence": ["现场照片.jpg"]},
            role="county_evaluator",
        )
    view = (await stack.get(f"/scoring/v1/applications/{app_id}")).json()
    assert view["final_score"] == 95
    assert [i["kind"] for i in view["inspections"]] == ["open", "unannounced"]


async def test_a_failing_score_cannot_go_to_public_notice(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "recommended")
    seed = await rubric(stack)
    low = {k: (False if isinstance(v, bool) else 0) for k, v in scores(seed).items()}
    await stack.post(
        f"/scoring/v1/applications/{app_id}/inspections",
        {"kind": "unannounced", "scores": low},
        role="county_evaluator",
    )
    response = await stack.post(
        f"/scoring/v1/applications/{app_id}/public-notice", {}, role="county_evaluator"
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "final_score"


async def test_the_campaign_cycle_counts_clean_days_beyond_reportings_own_cycle(stack):
    """14天周期: reporting's tenant cycle is one day here, the campaign's is 14."""
    from wuyi_reporting.application.eligibility import sweep

    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    case = await stack.created(
        "/reporting/v1/cases", {"entity_id": entity, "kind": "close_contact", "date": str(day(0))}
    )
    assert (await stack.post(f"/reporting/v1/cases/{case['id']}/lift", {})).status_code == 200
    grids = (await stack.get(f"/registry/v1/grids?entity_id={county['community']}")).json()
    own = (await stack.get(f"/registry/v1/grids?entity_id={entity}")).json()
    stack.move_to(16, 0, day(1))
    assert (await stack.report(own["items"][0]["id"], day=day(1))).status_code == 201
    stack.move_to(17, 30, day(1))
    assert (await stack.report(grids["items"][0]["id"], day=day(1))).status_code == 201
    stack.move_to(9, 0, day(2))
    await sweep(stack.reporting)
    await eligible_in_scoring(stack, entity)
    campaign = await launch(stack, cycle_days=14)
    path = await opened(stack, campaign, entity)
    admin = {"role": "entity_admin", "scope": entity}
    await stack.post(f"{path}/self-assessment", {"scores": scores(await rubric(stack))}, **admin)
    refused = await stack.post(f"{path}/submission", {}, **admin)
    assert refused.status_code == 422, refused.text
    assert "不足本活动要求的 14 天" in refused.json()["error"]["message_zh"]


async def test_applications_are_taken_only_while_the_batch_is_open(stack):
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    later = await stack.created(
        f"/scoring/v1/campaigns/{campaign['id']}/batches",
        {"name": "第二批", "opens_on": str(day(30)), "closes_on": str(day(60))},
    )
    early = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": later["id"], "entity_id": entity},
        role="entity_admin",
        scope=entity,
    )
    assert early.status_code == 409 and early.json()["error"]["field"] == "batch_id"
    stack.move_to(9, 0, day(31))  # the first batch closed on day 30
    late = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": entity},
        role="entity_admin",
        scope=entity,
    )
    assert late.status_code == 409 and "closed" in late.json()["error"]["message_en"]


async def test_another_county_sees_and_touches_nothing_of_ours(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, county["compounds"][0], county["town"], "submitted")
    foreign = {"role": "county_evaluator", "tenant": "t2"}
    assert (await stack.get(f"/scoring/v1/applications/{app_id}", **foreign)).status_code == 404
    assert (
        await stack.get(f"/scoring/v1/campaigns/{campaign['id']}", **foreign)
    ).status_code == 404
    rejected = await stack.post(
        f"/scoring/v1/applications/{app_id}/rejection", {"note": "x"}, **foreign
    )
    assert rejected.status_code == 404
    listed = await stack.http.get(f"/scoring/v1/honor-list?campaign_id={campaign['id']}&tenant=t2")
    assert listed.status_code == 404


async def test_a_phase_deadline_closes_its_step_of_the_lifecycle(stack):
    """自评自查阶段 10-31 截止: after its deadline no self-assessment is taken."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    phases = [
        {"name": "自评自查", "deadline": str(day(2)), "step": "self_assessment"},
        {"name": "考核验收", "deadline": str(day(40))},
    ]
    campaign = await launch(stack, phases=phases)
    assert (await stack.get(f"/scoring/v1/campaigns/{campaign['id']}")).json()["phases"][0][
        "step"
    ] == "self_assessment"
    path = await opened(stack, campaign, entity)
    admin = {"role": "entity_admin", "scope": entity}
    body = {"scores": scores(await rubric(stack))}
    stack.move_to(23, 0, day(2))  # the deadline day itself still counts
    assert (await stack.post(f"{path}/self-assessment", body, **admin)).status_code == 200
    stack.move_to(9, 0, day(3))
    late = await stack.post(f"{path}/self-assessment", body, **admin)
    assert late.status_code == 409 and "自评自查" in late.json()["error"]["message_zh"]
