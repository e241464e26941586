"""The heat map of grids × days and completeness by township, behind the web app's charts."""

from __future__ import annotations

from datetime import timedelta


async def test_the_heat_map_marks_each_grid_day_on_time_late_or_missing(stack, town):
    """DHIS2: on time = received by the deadline; a grid that sent nothing is missing."""
    yesterday = stack.day - timedelta(days=1)
    stack.move_to(16, 0, yesterday)
    await stack.report(town["g3a"], day=yesterday)
    stack.move_to(19, 0, yesterday)
    await stack.report(town["g3b"], day=yesterday)  # after the 17:00 deadline
    stack.move_to(9, 0)
    url = f"/reporting/v1/completeness/grids?entity_id={town['township']}"
    view = (await stack.get(f"{url}&from={yesterday}&to={yesterday}")).json()
    assert view["total"] == 3 and view["dates"] == [yesterday.isoformat()]
    cells = {g["name"]: g["cells"] for g in view["grids"]}
    assert cells == {"二级": ["missing"], "第1网格": ["on_time"], "第2网格": ["late"]}
    assert view["grids"][0]["name"] == "二级"  # worst first
    assert view["grids"][0]["entity_name"] == "西山村"
    day = view["days"][0]
    assert (day["expected"], day["received"], day["on_time"]) == (3, 2, 1)


async def test_the_missing_grids_of_a_day_are_listed_and_paged(stack, town):
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    stack.move_to(20, 0)
    url = f"/reporting/v1/completeness/grids?entity_id={town['village']}&missing_on={stack.day}"
    first = (await stack.get(f"{url}&limit=1")).json()
    second = (await stack.get(f"{url}&limit=1&offset=1")).json()
    assert first["total"] == second["total"] == 2
    assert {first["grids"][0]["name"], second["grids"][0]["name"]} == {"二级", "第2网格"}
    before = f"from={stack.day - timedelta(days=3)}&to={stack.day - timedelta(days=1)}"
    outside = await stack.get(f"{url}&{before}")
    assert outside.status_code == 422 and outside.json()["error"]["field"] == "missing_on"


async def test_the_heat_map_is_scoped_and_its_period_bounded(stack, town):
    url = f"/reporting/v1/completeness/grids?entity_id={town['township']}"
    other = await stack.get(url, role="township_reviewer", scope=town["village"])
    assert other.status_code == 403
    long = await stack.get(f"{url}&from={stack.day - timedelta(days=40)}&to={stack.day}")
    assert long.status_code == 422 and long.json()["error"]["field"] == "to"


async def test_completeness_by_township_for_the_county_comparison(stack, town):
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    stack.move_to(20, 0)
    url = f"/reporting/v1/completeness/townships?from={stack.day}&to={stack.day}"
    view = (await stack.get(url)).json()
    [township] = view["townships"]
    assert township["name"] == "东安镇"
    assert (township["expected"], township["received"], township["completeness"]) == (3, 1, 0.3333)
    scoped = await stack.get(
        "/reporting/v1/completeness/townships", role="township_reviewer", scope=town["township"]
    )
    assert scoped.status_code == 403  # the comparison is the county's


async def test_before_the_deadline_an_unsent_report_is_pending_not_missing(stack, town):
    """截止时间前未报是“待报”，过了截止时间才是“未报” — and both are listed as not received."""
    stack.move_to(10, 0)
    url = f"/reporting/v1/completeness/grids?entity_id={town['village']}&from={stack.day}"
    early = (await stack.get(f"{url}&missing_on={stack.day}")).json()
    assert {g["cells"][-1] for g in early["grids"]} == {"pending"} and early["total"] == 3
    assert {g["missed"] for g in early["grids"]} == {0}
    stack.move_to(18, 30)  # past both deadlines
    late = (await stack.get(url)).json()
    assert {g["cells"][-1] for g in late["grids"]} == {"missing"}
