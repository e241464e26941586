"""Reporting fixtures: the services running together (``tests.stacks``), per backend."""

from __future__ import annotations

import pytest

from tests.stacks import DAY, Stack, at, running_stack

__all__ = ["DAY", "Stack", "at", "running_stack"]


@pytest.fixture(params=["sqlite", "postgres"])
async def stack(request, tmp_path, topic_prefix):
    async with running_stack(request.param, tmp_path, topic_prefix) as running:
        yield running


@pytest.fixture
async def town(stack):
    return await build_town(stack)


async def build_town(stack: Stack) -> dict[str, str]:
    """A township with one village: level-1, one level-2 and two level-3 grids, registered
    on 2026-02-01 (weeks before DAY)."""
    county = await stack.created("/registry/v1/entities", {"name": "县", "kind": "county"})
    township = await stack.created(
        "/registry/v1/entities", {"name": "东安镇", "kind": "township", "parent_id": county["id"]}
    )
    village = await stack.created(
        "/registry/v1/entities", {"name": "西山村", "kind": "village", "parent_id": township["id"]}
    )
    g1 = await stack.created(
        "/registry/v1/grids", {"name": "一级", "level": 1, "entity_id": township["id"]}
    )
    g2 = await stack.created(
        "/registry/v1/grids",
        {"name": "二级", "level": 2, "entity_id": village["id"], "parent_grid_id": g1["id"]},
    )
    g3a, g3b = [
        await stack.created(
            "/registry/v1/grids",
            {
                "name": f"第{n}网格",
                "level": 3,
                "entity_id": village["id"],
                "parent_grid_id": g2["id"],
            },
        )
        for n in (1, 2)
    ]
    for item in (county, township, village, g1, g2, g3a, g3b):
        await stack.replicated(item["id"])
    return {
        "county": county["id"],
        "township": township["id"],
        "village": village["id"],
        "g1": g1["id"],
        "g2": g2["id"],
        "g3a": g3a["id"],
        "g3b": g3b["id"],
    }
