"""The grid worker's page reads ``GET /reporting/v1/grid-reports?grid_id=&days=``: the grid,
today and today's deadline in the tenant's zone, and the grid's reports newest first (issue
#11, "my history"); only reporters and reviewers whose scope holds the grid may read it."""

from __future__ import annotations

from datetime import timedelta


async def test_a_grid_history_lists_its_reports_newest_first_with_todays_deadline(stack, town):
    stack.move_to(9, 0, stack.day - timedelta(days=1))
    await stack.report(town["g3a"], day=stack.day - timedelta(days=1))
    stack.move_to(10, 0)
    await stack.report(town["g3a"], zero=False, counts={"resident_population": 30})
    await stack.report(town["g3a"], zero=True)  # a correction
    book = await stack.get(
        f"/reporting/v1/grid-reports?grid_id={town['g3a']}&days=7",
        role="grid_member",
        scope=town["g3a"],
    )
    assert book.status_code == 200
    body = book.json()
    assert body["grid"] == {"id": town["g3a"], "name": "第1网格", "level": 3}
    assert body["today"] == stack.day.isoformat()
    assert body["deadline"] == f"{stack.day.isoformat()}T17:00:00+08:00"
    days = [(r["date"], r["zero"], r["corrections"]) for r in body["items"]]
    yesterday = (stack.day - timedelta(days=1)).isoformat()
    assert days == [(stack.day.isoformat(), True, 1), (yesterday, True, 0)]


async def test_a_grid_member_reads_no_other_grid_history(stack, town):
    other = await stack.get(
        f"/reporting/v1/grid-reports?grid_id={town['g3b']}", role="grid_member", scope=town["g3a"]
    )
    assert other.status_code == 403
    too_long = await stack.get(f"/reporting/v1/grid-reports?grid_id={town['g3a']}&days=93")
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "days"
