"""Light set-ups for notifier tests: the fewest registry calls that give the notifier what it
needs, without the reporting → eligibility flow of ``build_county``."""

from __future__ import annotations

from typing import Any

from wuyi_reporting.application.missed import sweep_missed

from tests.stacks import DAY, Stack


async def grids(stack: Stack) -> dict[str, Any]:
    """County > 东安镇 > 幸福社区 (level-2 grid) > 小区1, 小区2 (level-3 grids), replicated in
    reporting (so grids can report); registered at 08:00 on ``DAY``, so the first day they
    owe a report is ``DAY``."""
    stack.move_to(8, 0, DAY)
    county = await stack.created("/registry/v1/entities", {"name": "宁化县", "kind": "county"})
    town = await stack.created(
        "/registry/v1/entities", {"name": "东安镇", "kind": "township", "parent_id": county["id"]}
    )
    community = await stack.created(
        "/registry/v1/entities",
        {"name": "幸福社区", "kind": "community", "parent_id": town["id"]},
    )
    g1 = await stack.created(
        "/registry/v1/grids", {"name": "东安镇一级", "level": 1, "entity_id": town["id"]}
    )
    g2 = await stack.created(
        "/registry/v1/grids",
        {"name": "幸福社区", "level": 2, "entity_id": community["id"], "parent_grid_id": g1["id"]},
    )
    leaves = []
    for n in (1, 2):
        compound = await stack.created(
            "/registry/v1/entities",
            {"name": f"小区{n}", "kind": "compound", "parent_id": community["id"]},
        )
        grid = await stack.created(
            "/registry/v1/grids",
            {
                "name": f"小区{n}网格",
                "level": 3,
                "entity_id": compound["id"],
                "parent_grid_id": g2["id"],
            },
        )
        leaves.append(grid["id"])
    for key in (g2["id"], *leaves):
        await stack.replicated(key)
    return {"county": county["id"], "town": town["id"], "level2": g2["id"], "level3": leaves}


SETTINGS_CHANGED = "cn.wuyi.reporting.settings.changed.v1"


async def one_event(stack: Stack) -> str:
    """The fewest events that produce a delivery: one change of reporting's settings, one HTTP
    call and one event on the bus through the notifier's policy, with no registry, campaign or
    application behind it (a subscription to its type gets one delivery). Returns the type."""
    response = await stack.put("/reporting/v1/settings", {"cycle_days": 1})
    assert response.status_code == 200, response.text
    return SETTINGS_CHANGED


async def missed(stack: Stack) -> None:
    """17:01 on ``DAY`` after ``grids``: reporting records both level-3 grids' misses."""
    stack.move_to(17, 1, DAY)
    assert await sweep_missed(stack.reporting) == 2
