"""Report overdue: the grid leader is told at the miss; after a grace period, if the report is
still missing, the parent grid's leader is told, exactly once, on the injected clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from wuyi_notifier.application.escalation import sweep_escalations
from wuyi_notifier.bootstrap import build_notifier
from wuyi_reporting.application.missed import sweep_missed

from services.scoring.tests.conftest import build_county

OVERDUE, ESCALATED = "日报逾期未报", "下级网格日报逾期"


async def missed_today(notified) -> tuple[str, str]:
    """The county of ``build_county`` at 17:01: one compound grid has not reported."""
    await build_county(notified.stack, compounds=1)
    await notified.settle()
    async with notified.notifier.db.read() as conn:
        grid = await conn.fetchrow("SELECT id, parent_grid_id FROM registry_grids WHERE level = 3")
    assert grid is not None
    notified.stack.move_to(17, 1)
    assert await sweep_missed(notified.stack.reporting) > 0
    await notified.settle()
    return grid["id"], grid["parent_grid_id"]


def today(items: list[dict], title: str, day: str) -> list[dict]:
    return [i for i in items if i["title_zh"] == title and day in i["body_zh"]]


async def test_the_grid_leader_is_told_when_the_report_is_missed(notified):
    """DOMAIN.md: "grid leaders: report due soon, report overdue"."""
    grid, parent = await missed_today(notified)
    day = str(notified.stack.day)
    assert len(today(await notified.inbox("grid_member", grid), OVERDUE, day)) == 1
    assert today(await notified.inbox("grid_member", parent), ESCALATED, day) == []


async def test_a_worker_down_over_the_grace_period_escalates_once_when_back(notified):
    """DOMAIN.md: "(and their superior after a grace period)"; two workers, one message."""
    grid, parent = await missed_today(notified)
    notified.stack.move_to(9, 0, notified.stack.day + timedelta(days=1))  # down all night
    restarted = await build_notifier(
        notified.notifier.db, notified.stack.clock, notified.notifier.settings
    )
    other = await build_notifier(notified.notifier.db, notified.stack.clock)
    told = await asyncio.gather(sweep_escalations(restarted), sweep_escalations(other))
    assert sum(told) > 0
    assert await sweep_escalations(restarted) == 0
    day = str(notified.stack.day)
    assert len(today(await notified.inbox("grid_member", parent), ESCALATED, day)) == 1


async def test_no_escalation_before_the_grace_period_ends(notified):
    _, parent = await missed_today(notified)
    notified.stack.move_to(17, 59)
    assert await notified.escalate() == 0
    items = await notified.inbox("grid_member", parent)
    assert [i for i in items if i["title_zh"] == ESCALATED] == []


async def test_a_report_that_came_in_during_the_grace_period_is_not_escalated(notified):
    grid, parent = await missed_today(notified)
    notified.stack.move_to(17, 30)
    assert (await notified.stack.report(grid)).status_code == 201
    await notified.settle()
    notified.stack.move_to(18, 30)
    await notified.escalate()
    day = str(notified.stack.day)
    assert today(await notified.inbox("grid_member", parent), ESCALATED, day) == []
