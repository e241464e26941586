"""Roll-ups tell the truth (issue #9). Seed 004: 三级网格长每天下午5点前向二级网格长汇报…
二级网格长每天下午6点前向一级网格长汇报. A level-2 grid cannot send a zero report over
level-3 reports of abnormal findings, and the demo county's level-2 roll-ups count the
children that reported before them."""

from __future__ import annotations

import json

from wuyi.demo import DemoSize, seed, seeding_services


async def test_a_level2_zero_report_over_abnormal_children_is_refused(stack, town):
    stack.move_to(16, 0)
    fever = {"resident_population": 40, "abnormal": {"fever": 1}}
    assert (await stack.report(town["g3a"], zero=False, counts=fever)).status_code == 201
    stack.move_to(17, 30)
    refused = await stack.report(town["g2"])
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == "zero" and "不能报零报告" in error["message_zh"]
    sent = await stack.report(town["g2"], zero=False, counts=fever)
    assert sent.status_code == 201 and sent.json()["rollup"]["totals"]["abnormal"]["fever"] == 1


async def test_the_demo_rolls_up_the_children_that_reported_before(tmp_path):
    """The demo used to submit each village's level-2 report before its level-3 ones while the
    clock said the children came first, so every roll-up read 0 of 3."""
    async with seeding_services(tmp_path / "demo") as (services, clock):
        await seed(services, clock, DemoSize(townships=1, villages=2, grids=3, days=3))
        async with services.reporting.store.db.read() as conn:
            rows = await conn.fetch(
                "SELECT data FROM events WHERE type LIKE '%.grid_report.submitted.%'"
            )
    level2 = [r for r in (json.loads(row["data"])["rollup"] for row in rows) if r is not None]
    assert level2 and all(r["expected"] == 3 for r in level2)
    assert any(r["received"] == 3 for r in level2)
    assert all(r["received"] == 3 - len(r["missing_grid_ids"]) for r in level2)
