"""Reporting's projections rebuilt from the log equal the live ones."""

from __future__ import annotations

from datetime import timedelta

from wuyi_reporting.application.missed import sweep_missed


async def views(stack, town, complaint_id):
    paths = [
        f"/reporting/v1/completeness?entity_id={town['county']}&from={stack.day - timedelta(3)}"
        f"&to={stack.day}",
        f"/reporting/v1/eligibility/{town['village']}",
        f"/reporting/v1/eligibility/{town['township']}",
        f"/reporting/v1/complaints/{complaint_id}",
        f"/reporting/v1/grid-reports/{town['g3a']}/{stack.day}",
        "/reporting/v1/settings",
    ]
    return [(await stack.get(path)).json() for path in paths]


async def test_rebuilding_every_reporting_projection_changes_no_view(stack, town):
    await stack.put("/reporting/v1/settings", {"backfill_days": 3})
    for n, hour in ((2, 16), (1, 18), (0, 16)):
        day = stack.day - timedelta(days=n)
        stack.move_to(hour, 0, day)
        await stack.report(town["g3a"], day=day)
        await stack.report(town["g3a"], day=day, zero=False, counts={"resident_population": 9})
    stack.move_to(19, 0)
    await sweep_missed(stack.reporting)
    case = await stack.created(
        "/reporting/v1/cases",
        {"entity_id": town["village"], "kind": "confirmed", "date": str(stack.day)},
    )
    await stack.post(f"/reporting/v1/cases/{case['id']}/lift", {})
    complaint = await stack.created(
        "/reporting/v1/complaints",
        {"entity_id": town["village"], "summary": "门岗无人", "source": "12345"},
    )
    await stack.post(
        f"/reporting/v1/complaints/{complaint['id']}/verification",
        {"verified": False, "note": "不属实"},
    )
    live = await views(stack, town, complaint["id"])
    for projector in stack.reporting.projectors.values():
        await projector.rebuild()
    assert await views(stack, town, complaint["id"]) == live
