"""GridReportMissed: recorded at each deadline, exactly once per grid and day, also for
deadlines that passed while the worker was down, with several workers at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from wuyi_reporting.application.missed import sweep_missed
from wuyi_reporting.bootstrap import build_reporting

MISSED = "cn.wuyi.reporting.grid_report.missed.v1"


async def missed_events(stack):
    events = [e for e in await stack.reporting.store.read_all(0) if e.type == MISSED]
    keys = [(e.data["grid_id"], e.data["date"]) for e in events]
    assert len(keys) == len(set(keys)), "a grid and day was recorded missed twice"
    return events


async def missed_on(stack, day):
    return sorted(
        e.data["grid_id"] for e in await missed_events(stack) if e.data["date"] == str(day)
    )


async def test_at_1701_missing_level3_grids_are_recorded_and_level2_not_yet(stack, town):
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    stack.move_to(17, 1)
    recorded = await sweep_missed(stack.reporting)
    assert await missed_on(stack, stack.day) == [town["g3b"]]
    # the earlier days of the backfill window had no reports at all: 3 grids x 7 days
    assert recorded == 1 + 3 * 7


async def test_sweeping_again_or_concurrently_records_nothing_twice(stack, town):
    stack.move_to(18, 30)
    other = await build_reporting(stack.reporting.store.db, stack.clock)  # a second replica
    counts = await asyncio.gather(
        sweep_missed(stack.reporting), sweep_missed(other), sweep_missed(stack.reporting)
    )
    assert sum(counts) == 3 * 8  # g3a, g3b and g2, once each, on each of 8 days
    assert await sweep_missed(stack.reporting) == 0
    assert len(await missed_events(stack)) == 3 * 8
    assert await missed_on(stack, stack.day) == sorted([town["g3a"], town["g3b"], town["g2"]])


async def test_a_worker_down_over_the_deadline_records_it_once_after_restart(stack, town):
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    await stack.report(town["g2"])
    stack.move_to(9, 0, stack.day + timedelta(days=1))  # the worker was down at 17:00 and 18:00
    restarted = await build_reporting(stack.reporting.store.db, stack.clock)
    assert await sweep_missed(restarted) > 0
    assert await sweep_missed(restarted) == 0
    assert await missed_on(stack, stack.day) == [town["g3b"]]


async def test_a_late_report_after_a_missed_one_is_received_but_not_on_time(stack, town):
    stack.move_to(17, 30)
    await sweep_missed(stack.reporting)
    late = (await stack.report(town["g3a"])).json()
    assert (late["received"], late["missed"], late["on_time"]) == (True, True, False)


async def test_a_missed_report_names_the_parent_grid_it_escalates_to(stack, town):
    """Seed 004: 三级网格长每天下午5点前向二级网格长汇报 — a level-3 miss goes up to its level-2
    grid's leader, so the recorded fact names that grid (issue #9, "Escalation")."""
    stack.move_to(17, 1)
    await sweep_missed(stack.reporting)
    today = [e for e in await missed_events(stack) if e.data["date"] == str(stack.day)]
    parents = {e.data["grid_id"]: e.data["parent_grid_id"] for e in today}
    assert parents[town["g3a"]] == town["g2"] and parents[town["g3b"]] == town["g2"]
