"""Report overdue: the grid leader is told at the miss; after a grace period, if the report is
still missing, the parent grid's leader is told, exactly once, on the injected clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from wuyi_notifier.application.escalation import sweep_escalations
from wuyi_notifier.bootstrap import build_notifier
from wuyi_reporting.application.missed import sweep_missed

from services.notifier.tests.county import grids

OVERDUE, ESCALATED = "日报逾期未报", "下级网格日报逾期"


async def missed_today(notified) -> tuple[str, str]:
    """The grids of ``grids`` at 17:01: no level-3 grid has reported; returns one of them and
    its parent (level-2) grid."""
    county = await grids(notified.stack)
    await notified.settle()
    notified.stack.move_to(17, 1)
    assert await sweep_missed(notified.stack.reporting) == 2
    await notified.settle()
    return county["level3"][0], county["level2"]


def today(items: list[dict], title: str, day: str, grid: str = "小区1网格") -> list[dict]:
    """Items of ``title`` about ``grid``'s report of ``day``."""
    return [i for i in items if i["title_zh"] == title and f"{grid}{day}" in i["body_zh"]]


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
    items = await notified.inbox("grid_member", parent)
    assert len(today(items, ESCALATED, day)) == 1
    assert len(today(items, ESCALATED, day, "小区2网格")) == 1  # its sibling's, apart


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
