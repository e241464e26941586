"""Daily grid reports: deadlines in the tenant's zone, corrections, roll-ups, validation."""

from __future__ import annotations

from datetime import timedelta


async def test_a_level3_report_at_1659_is_on_time_and_at_1701_late(stack, town):
    stack.move_to(16, 59)
    first = await stack.report(town["g3a"])
    assert first.status_code == 201 and first.json()["on_time"] is True
    stack.move_to(17, 1)
    late = (await stack.report(town["g3b"])).json()
    assert late["on_time"] is False and late["received"] is True


async def test_a_level2_report_is_on_time_until_1800(stack, town):
    stack.move_to(17, 59)
    assert (await stack.report(town["g2"])).json()["on_time"] is True
    stack.move_to(18, 1, stack.day + timedelta(days=1))
    late = await stack.report(town["g2"], day=stack.day + timedelta(days=1))
    assert late.json()["on_time"] is False


async def test_deadlines_follow_the_tenant_time_zone_setting(stack, town):
    changed = await stack.put(
        "/reporting/v1/settings",
        {"timezone": "Asia/Urumqi", "level3_deadline": "17:00", "level2_deadline": "18:00"},
    )
    assert changed.status_code == 200 and changed.json()["version"] == 1
    stack.move_to(18, 30)  # 18:30 in Shanghai is 16:30 in Urumqi (UTC+6)
    assert (await stack.report(town["g3a"])).json()["on_time"] is True


async def test_a_second_report_is_a_correction_keeping_the_first_timeliness(stack, town):
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    stack.move_to(20, 0)
    corrected = await stack.report(
        town["g3a"], zero=False, counts={"resident_population": 30, "tests_done": 5}
    )
    body = corrected.json()
    assert body["on_time"] is True and body["corrections"] == 1
    assert body["counts"]["tests_done"] == 5
    events = await stack.reporting.store.read_stream("t1", body["id"])
    assert events[1].data["corrects_event_id"] == events[0].event_id


async def test_future_days_are_refused_and_past_days_are_late_within_the_window(stack, town):
    stack.move_to(9, 0)
    future = await stack.report(town["g3a"], day=stack.day + timedelta(days=1))
    assert future.status_code == 422 and future.json()["error"]["field"] == "date"
    past = await stack.report(town["g3a"], day=stack.day - timedelta(days=3))
    assert past.status_code == 201 and past.json()["on_time"] is False
    too_old = await stack.report(town["g3a"], day=stack.day - timedelta(days=8))
    assert too_old.status_code == 422


async def test_counts_above_their_total_are_422_naming_the_field(stack, town):
    stack.move_to(9, 0)
    response = await stack.report(
        town["g3a"],
        zero=False,
        counts={"resident_population": 10, "key_populations": {"home_isolation": 11}},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "counts.key_populations.home_isolation"
    negative = await stack.report(town["g3a"], zero=False, counts={"tests_done": -1})
    assert negative.status_code == 422
    assert await stack.reporting.store.head() == 0  # nothing half-written


async def test_the_level2_rollup_sums_its_children_and_names_the_missing(stack, town):
    stack.move_to(16, 0)
    await stack.report(
        town["g3a"], zero=False, counts={"resident_population": 40, "abnormal": {"fever": 1}}
    )
    rollup = (
        await stack.get(f"/reporting/v1/grid-reports/rollup?grid_id={town['g2']}&date={stack.day}")
    ).json()
    assert (rollup["expected"], rollup["received"]) == (2, 1)
    assert rollup["missing_grid_ids"] == [town["g3b"]]
    assert rollup["totals"]["abnormal"]["fever"] == 1
    submitted = (
        await stack.report(town["g2"], zero=False, counts={"resident_population": 40})
    ).json()
    assert submitted["rollup"]["received"] == 1


async def test_level1_grids_submit_no_daily_report(stack, town):
    stack.move_to(9, 0)
    response = await stack.report(town["g1"])
    assert response.status_code == 422 and response.json()["error"]["field"] == "grid_id"


async def test_a_grid_member_reports_only_for_grids_in_scope(stack, town):
    stack.move_to(9, 0)
    own = await stack.report(town["g3a"], role="grid_member", scope=town["g3a"])
    assert own.status_code == 201
    other = await stack.report(town["g3b"], role="grid_member", scope=town["g3a"])
    assert other.status_code == 403


async def test_another_tenant_cannot_see_the_grid(stack, town):
    stack.move_to(9, 0)
    response = await stack.report(town["g3a"], tenant="t2")
    assert response.status_code == 422 and response.json()["error"]["field"] == "grid_id"


async def test_only_county_admins_change_settings_and_bad_ones_are_422(stack, town):
    refused = await stack.put(
        "/reporting/v1/settings",
        {"timezone": "Asia/Shanghai"},
        role="township_reviewer",
        scope=town["township"],
    )
    assert refused.status_code == 403
    bad = await stack.put("/reporting/v1/settings", {"timezone": "Nowhere/City"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "timezone"


async def test_just_after_midnight_in_shanghai_the_new_day_is_today_though_utc_lags(stack, town):
    next_day = stack.day + timedelta(days=1)
    stack.move_to(0, 30, next_day)  # 16:30 UTC of the previous day
    today = await stack.report(town["g3a"], day=next_day)
    assert today.status_code == 201 and today.json()["on_time"] is True
    yesterday = await stack.report(town["g3b"], day=stack.day)
    assert yesterday.status_code == 201 and yesterday.json()["on_time"] is False
    tomorrow = await stack.report(town["g3a"], day=next_day + timedelta(days=1))
    assert tomorrow.status_code == 422


async def test_counts_beyond_any_grid_are_422_and_nothing_is_written(stack, town):
    """Integers are bounded to plausible ranges (issue #9, "Numbers and dates"): a count of
    10^20 people is a typo or an attack, and an integer beyond 64 bits would break SQLite."""
    stack.move_to(9, 0)
    for field, counts in [
        ("counts.resident_population", {"resident_population": 10**20}),
        ("counts.tests_done", {"resident_population": 10, "tests_done": 10_000_001}),
    ]:
        response = await stack.report(town["g3a"], zero=False, counts=counts)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == field
    assert await stack.reporting.store.head() == 0
