"""Completeness and timeliness (DHIS2 definitions) per grid and entity, per day and range."""

from __future__ import annotations

from datetime import timedelta


async def test_one_day_of_an_entity_counts_expected_received_on_time_and_missing(stack, town):
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    stack.move_to(17, 30)
    await stack.report(town["g2"])
    stack.move_to(20, 0)
    view = (
        await stack.get(f"/reporting/v1/completeness?entity_id={town['township']}&date={stack.day}")
    ).json()
    assert (view["expected"], view["received"], view["on_time"]) == (3, 2, 2)
    assert (view["completeness"], view["timeliness"]) == (0.6667, 0.6667)
    assert [m["grid_id"] for m in view["days"][0]["missing"]] == [town["g3b"]]


async def test_a_range_sums_the_days_and_a_grid_can_be_asked_alone(stack, town):
    for n, hour in ((2, 16), (1, 17)):  # on time two days ago, late yesterday (17:30)
        day = stack.day - timedelta(days=n)
        stack.move_to(hour, 30 if hour == 17 else 0, day)
        await stack.report(town["g3a"], day=day)
    stack.move_to(9, 0)
    first, last = stack.day - timedelta(days=2), stack.day - timedelta(days=1)
    grid = (
        await stack.get(f"/reporting/v1/completeness?grid_id={town['g3a']}&from={first}&to={last}")
    ).json()
    assert (grid["expected"], grid["received"], grid["on_time"]) == (2, 2, 1)
    assert [d["on_time"] for d in grid["days"]] == [1, 0]


async def test_bad_ranges_and_missing_scope_are_422(stack, town):
    both = await stack.get(
        f"/reporting/v1/completeness?entity_id={town['village']}&grid_id={town['g3a']}"
    )
    assert both.status_code == 422
    backwards = await stack.get(
        f"/reporting/v1/completeness?entity_id={town['village']}&from=2026-03-10&to=2026-03-01"
    )
    assert backwards.status_code == 422 and backwards.json()["error"]["field"] == "to"
