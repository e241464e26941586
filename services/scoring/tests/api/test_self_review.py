"""Nobody reviews their own application (issue #9): a township's application for 无疫乡镇 goes to
the level above, the county's evaluators; a reviewer scoped to the applicant itself is refused.
Before, the township's own reviewer approved its own township's application."""

from __future__ import annotations

from ..conftest import build_county, eligible_in_scoring, launch, rubric, scores


async def submitted_township_application(stack, county) -> str:
    campaign = await launch(
        stack,
        title="无疫乡镇创建",
        award_title="无疫乡镇",
        entity_kinds=["township"],
        rubric_id="seed-000-township-v1",
    )
    town = county["town"]
    await eligible_in_scoring(stack, town)
    admin = {"role": "entity_admin", "scope": town}
    opened = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": town},
        **admin,
    )
    assert opened.status_code == 201, opened.text
    path = f"/scoring/v1/applications/{opened.json()['id']}"
    seed = await rubric(stack, "seed-000-township-v1")
    for step, body in (("self-assessment", {"scores": scores(seed)}), ("submission", {})):
        response = await stack.post(f"{path}/{step}", body, **admin)
        assert response.status_code == 200, response.text
    return path


async def test_a_townships_own_reviewer_cannot_review_its_townships_application(stack):
    county = await build_county(stack, compounds=1)
    path = await submitted_township_application(stack, county)
    own = await stack.post(
        f"{path}/township-review",
        {"decision": "approve"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert own.status_code == 403, own.text
    assert "本单位" in own.json()["error"]["message_zh"]
    above = await stack.post(
        f"{path}/township-review", {"decision": "approve"}, role="county_evaluator"
    )
    assert above.status_code == 200, above.text
    recommended = await stack.post(f"{path}/recommendation", {}, role="county_evaluator")
    assert recommended.status_code == 200 and recommended.json()["status"] == "recommended"


async def test_a_reviewer_scoped_to_the_applicant_itself_is_refused(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    compound = county["compounds"][0]
    admin = {"role": "entity_admin", "scope": compound}
    opened = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": compound},
        **admin,
    )
    path = f"/scoring/v1/applications/{opened.json()['id']}"
    await stack.post(f"{path}/self-assessment", {"scores": scores(await rubric(stack))}, **admin)
    await stack.post(f"{path}/submission", {}, **admin)
    itself = await stack.post(
        f"{path}/township-review", {"decision": "approve"}, role="township_reviewer", scope=compound
    )
    assert itself.status_code == 403, itself.text
    township = await stack.post(
        f"{path}/township-review",
        {"decision": "approve"},
        role="township_reviewer",
        scope=county["town"],
    )
    assert township.status_code == 200, township.text
