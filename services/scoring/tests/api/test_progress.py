"""A campaign's progress over time and titles per township (the county's charts), and the
public list of campaigns (the public page needs no tenant id)."""

from __future__ import annotations

from ..conftest import advance, build_county, day, launch


async def test_progress_counts_applications_by_status_at_the_end_of_each_day(stack):
    county = await build_county(stack, compounds=2)
    campaign = await launch(stack)
    await advance(stack, campaign, county["compounds"][0], county["town"], to="submitted")
    stack.move_to(10, 0, day(1))
    await advance(stack, campaign, county["compounds"][1], county["town"], to="self_assessed")
    view = (await stack.get(f"/scoring/v1/campaigns/{campaign['id']}/progress")).json()
    by_day = {d["date"]: d["counts"] for d in view["days"]}
    assert by_day[str(day(0))] == {"submitted": 1}
    assert by_day[str(day(1))] == {"submitted": 1, "self_assessed": 1}
    assert {"status": "awarded", "status_zh": "已授牌"} in view["statuses"]
    [township] = view["townships"]
    assert (township["name"], township["applications"], township["awarded"]) == ("东安镇", 2, 0)


async def test_titles_awarded_count_per_township(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    await advance(stack, campaign, county["compounds"][0], county["town"])
    view = (await stack.get(f"/scoring/v1/campaigns/{campaign['id']}/progress")).json()
    assert view["townships"][0]["awarded"] == 1
    assert view["days"][-1]["counts"] == {"awarded": 1}


async def test_progress_is_the_countys_and_a_scoped_reviewer_is_refused(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    url = f"/scoring/v1/campaigns/{campaign['id']}/progress"
    reviewer = await stack.get(url, role="township_reviewer", scope=county["town"])
    assert reviewer.status_code == 403
    assert (await stack.get(url, role="county_evaluator")).status_code == 200
    assert (await stack.get("/scoring/v1/campaigns/nope/progress")).status_code == 404


async def test_the_public_lists_campaigns_without_a_token_or_tenant(stack):
    await build_county(stack, compounds=1)
    campaign = await launch(stack)
    listed = await stack.http.get("/scoring/v1/public-campaigns")
    assert listed.status_code == 200
    [shown] = [c for c in listed.json()["campaigns"] if c["id"] == campaign["id"]]
    assert (shown["tenant"], shown["award_title"]) == ("t1", "无疫小区")
    honor = await stack.http.get(f"/scoring/v1/honor-list?campaign_id={campaign['id']}")
    assert honor.status_code == 200  # the campaign names its county
