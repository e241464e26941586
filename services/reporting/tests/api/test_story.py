"""The reporting story of issue 3, told identically in both modes: embedded (SQLite, the logs
as the bus) and distributed (PostgreSQL, the registry relayed through a real Kafka).

A township with three villages reports for a week: one village always on time, one with a late
report and a case that is lifted, one with a missed report. At the end completeness, timeliness
and eligibility are exactly as the rules say.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from wuyi_core.bus.topic_history import topic_history
from wuyi_reporting.application.eligibility import sweep
from wuyi_reporting.application.missed import sweep_missed

from ..conftest import running_stack

MISSED = "cn.wuyi.reporting.grid_report.missed.v1"


@pytest.fixture(params=["sqlite", "kafka"])
async def story(request, tmp_path, topic_prefix):
    async with running_stack(request.param, tmp_path, topic_prefix) as stack:
        yield stack


async def register(stack) -> dict[str, dict[str, str]]:
    county = await stack.created("/registry/v1/entities", {"name": "县", "kind": "county"})
    town = await stack.created(
        "/registry/v1/entities", {"name": "东安镇", "kind": "township", "parent_id": county["id"]}
    )
    g1 = await stack.created(
        "/registry/v1/grids", {"name": "一级", "level": 1, "entity_id": town["id"]}
    )
    villages = {}
    for key, name in (("a", "西山村"), ("b", "东岭村"), ("c", "南湖村")):
        v = await stack.created(
            "/registry/v1/entities", {"name": name, "kind": "village", "parent_id": town["id"]}
        )
        g2 = await stack.created(
            "/registry/v1/grids",
            {"name": f"{name}二级", "level": 2, "entity_id": v["id"], "parent_grid_id": g1["id"]},
        )
        g3 = await stack.created(
            "/registry/v1/grids",
            {"name": f"{name}一组", "level": 3, "entity_id": v["id"], "parent_grid_id": g2["id"]},
        )
        villages[key] = {"id": v["id"], "g2": g2["id"], "g3": g3["id"]}
        await stack.replicated(g3["id"])
    return {"town": {"id": town["id"]}, **villages}


async def test_a_week_of_reports_a_case_and_a_lift_give_the_expected_views(story):
    stack = story
    places = await register(stack)
    assert (await stack.put("/reporting/v1/settings", {"cycle_days": 7})).status_code == 200
    first = stack.day - timedelta(days=7)
    for n in range(7):
        day = first + timedelta(days=n)
        for key, village in places.items():
            if key == "town" or (key == "c" and n == 4):
                continue  # village c's group misses day 4
            late = key == "b" and n == 2
            stack.move_to(17 if late else 16, 30 if late else 0, day)
            assert (await stack.report(village["g3"], day=day)).status_code == 201
        for key, village in places.items():
            if key != "town":
                stack.move_to(17, 30, day)
                assert (await stack.report(village["g2"], day=day)).status_code == 201
        if n == 2:
            case = await stack.created(
                "/reporting/v1/cases",
                {"entity_id": places["b"]["id"], "kind": "confirmed", "date": str(day)},
            )
        if n == 4:
            lifted = await stack.post(f"/reporting/v1/cases/{case['id']}/lift", {})
            assert lifted.status_code == 200
        stack.move_to(18, 5, day)
        await sweep_missed(stack.reporting)
    stack.move_to(9, 0)
    await sweep(stack.reporting)

    week = (
        await stack.get(
            f"/reporting/v1/completeness?entity_id={places['town']['id']}"
            f"&from={first}&to={stack.day - timedelta(days=1)}"
        )
    ).json()
    assert (week["expected"], week["received"], week["on_time"]) == (42, 41, 40)
    assert (week["completeness"], week["timeliness"]) == (0.9762, 0.9524)
    day4 = week["days"][4]
    assert [m["grid_id"] for m in day4["missing"]] == [places["c"]["g3"]]

    verdicts = {
        key: (await stack.get(f"/reporting/v1/eligibility/{places[key]['id']}")).json()
        for key in "abc"
    }
    assert verdicts["a"]["eligible"] is True
    assert [r["rule"] for r in verdicts["b"]["reasons"] if not r["passed"]] == ["cycle"]
    assert verdicts["b"]["clean_days"] == 5
    assert [r["rule"] for r in verdicts["c"]["reasons"] if not r["passed"]] == ["reporting"]

    events = await stack.reporting.store.read_all(0, limit=10000)
    week_missed = [e for e in events if e.type == MISSED and e.data["date"] >= str(first)]
    assert [e.data["grid_id"] for e in week_missed] == [places["c"]["g3"]]
    published = {e.stream_id: e.type for e in events if e.stream_id.startswith("eligibility:")}
    assert published[f"eligibility:{places['a']['id']}"].endswith("gained.v1")
    assert published[f"eligibility:{places['b']['id']}"].endswith("lost.v1")
    if stack.relays:
        await rebuild_from_the_topic_changes_nothing(stack, places, first)


async def views(stack, places, first):
    week = f"from={first}&to={stack.day - timedelta(days=1)}"
    return [
        (await stack.get(path)).json()
        for path in (
            f"/reporting/v1/completeness?entity_id={places['town']['id']}&{week}",
            *(f"/reporting/v1/eligibility/{places[key]['id']}" for key in "abc"),
        )
    ]


async def rebuild_from_the_topic_changes_nothing(stack, places, first):
    """Distributed mode: completeness and eligibility rebuilt from wuyi.reporting.events."""
    live = await views(stack, places, first)
    for relay in stack.relays:
        await relay.drain()
    for name in ("completeness", "eligibility"):  # eligibility reads a few types (Projection.types)
        projector = stack.reporting.projectors[name]
        applied = await projector.rebuild(
            source=topic_history(stack.bus, "reporting", types=projector.projection.types)
        )
        assert applied == await stack.reporting.store.head()
    assert await views(stack, places, first) == live
