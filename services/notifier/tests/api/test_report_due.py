""" "Report due in N minutes" (日报即将截止): the leader of every grid that has not reported yet,
N per tenant, exactly once per grid, day and kind, on the injected clock (issue #10)."""

from __future__ import annotations

import asyncio

from wuyi_notifier.application.report_due import sweep_report_due
from wuyi_notifier.bootstrap import build_notifier

from services.notifier.tests.county import grids
from tests.stacks import DAY

DUE = "日报即将截止"


async def reminded(notified, grid: str) -> list[dict]:
    return [i for i in await notified.inbox("grid_member", grid) if i["title_zh"] == DUE]


async def set_minutes(notified, minutes: int, **who) -> object:
    who = who or {"role": "county_admin"}
    return await notified.http.put(
        "/notifier/v1/settings",
        json={"report_due_minutes": minutes},
        headers=notified.auth(who["role"], who.get("scope")),
    )


async def test_only_grids_not_yet_reported_are_reminded_n_minutes_before_once(notified):
    """Issue #10: ""Report due in N minutes" goes to the leader of every grid that has not
    reported yet, N set per tenant"."""
    county = await grids(notified.stack)
    reported, silent = county["level3"]
    assert (await set_minutes(notified, 30)).status_code == 200
    notified.stack.move_to(16, 0, DAY)
    assert (await notified.stack.report(reported, day=DAY)).status_code == 201
    await notified.settle()
    notified.stack.move_to(16, 29, DAY)
    assert await sweep_report_due(notified.notifier) == 0  # N = 30: not yet
    notified.stack.move_to(16, 31, DAY)
    assert await sweep_report_due(notified.notifier) == 1
    assert await sweep_report_due(notified.notifier) == 0
    [item] = await reminded(notified, silent)
    assert "17:00" in item["body_zh"] and "29分钟" in item["body_zh"]
    assert item["title_en"] == "Daily report due soon" and item["link"] == f"/#/grids/{silent}"
    assert await reminded(notified, reported) == []
    assert await reminded(notified, county["level2"]) == []  # its deadline is 18:00


async def test_a_worker_down_when_the_window_opened_reminds_once_when_back(notified):
    """Two workers and a restarted one, back inside the window: one reminder per grid, day and
    kind; back after the deadline: none (the miss tells the leader instead)."""
    county = await grids(notified.stack)
    await notified.settle()
    notified.stack.move_to(16, 50, DAY)  # the default window (60 min) opened at 16:00
    restarted = await build_notifier(
        notified.notifier.db, notified.stack.clock, notified.notifier.settings
    )
    other = await build_notifier(notified.notifier.db, notified.stack.clock)
    sent = await asyncio.gather(sweep_report_due(restarted), sweep_report_due(other))
    assert sum(sent) == 2  # both level-3 grids
    notified.stack.move_to(17, 1, DAY)  # past the level-3 deadline: only level 2 (18:00)
    assert await sweep_report_due(restarted) == 1
    notified.stack.move_to(17, 30, DAY)
    assert await sweep_report_due(other) == 0
    notified.stack.move_to(18, 30, DAY)
    assert await sweep_report_due(restarted) == 0
    for grid in (*county["level3"], county["level2"]):
        assert len(await reminded(notified, grid)) == 1
    notified.stack.move_to(16, 30, DAY.replace(day=DAY.day + 1))
    assert await sweep_report_due(notified.notifier) == 2  # a new day is a new reminder


async def test_reporting_deadlines_move_the_window_and_zero_turns_it_off(notified):
    county = await grids(notified.stack)
    changed = await notified.stack.put(
        "/reporting/v1/settings", {"level3_deadline": "15:00", "level2_deadline": "18:00"}
    )
    assert changed.status_code == 200, changed.text
    await notified.settle()
    view = await notified.http.get("/notifier/v1/settings", headers=notified.auth("county_admin"))
    assert view.json() == {
        "report_due_minutes": 60,
        "deadlines": {"3": "15:00", "2": "18:00"},
        "timezone": "Asia/Shanghai",
    }
    notified.stack.move_to(14, 30, DAY)
    assert await sweep_report_due(notified.notifier) == 2
    assert "15:00" in (await reminded(notified, county["level3"][0]))[0]["body_zh"]
    assert (await set_minutes(notified, 0)).status_code == 200
    notified.stack.move_to(14, 30, DAY.replace(day=DAY.day + 1))
    assert await sweep_report_due(notified.notifier) == 0


async def test_only_a_county_admin_for_the_whole_tenant_sets_n(notified):
    county = await grids(notified.stack)
    scoped = await set_minutes(notified, 10, role="county_admin", scope=county["town"])
    assert scoped.status_code == 403
    assert (await set_minutes(notified, 10, role="county_evaluator")).status_code == 403
    too_long = await set_minutes(notified, 721)
    assert too_long.status_code == 422
    assert (await set_minutes(notified, 10)).json()["report_due_minutes"] == 10
