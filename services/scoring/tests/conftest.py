"""Scoring fixtures: the services running together (``tests.stacks``) and a small county whose
compounds have earned eligibility the real way (grids reported, reporting published it)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from wuyi_reporting.application.eligibility import sweep

from tests.stacks import DAY, Stack, running_stack

COMPOUND_RUBRIC = "seed-003-compound-v1"


@pytest.fixture(params=["sqlite", "postgres"])
async def stack(request, tmp_path, topic_prefix):
    async with running_stack(request.param, tmp_path, topic_prefix) as running:
        yield running


async def build_county(stack: Stack, compounds: int = 3) -> dict[str, Any]:
    """County > 东安镇 > 幸福社区 > compounds 小区1..n, each with a level-3 grid; the grids report
    the day before ``DAY`` and reporting publishes every compound eligible (cycle of one day)."""
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
    ids, grids = [], [g2["id"]]
    for n in range(1, compounds + 1):
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
        ids.append(compound["id"])
        grids.append(grid["id"])
    for key in (county["id"], town["id"], community["id"], *ids, *grids):
        await stack.replicated(key)
    assert (await stack.put("/reporting/v1/settings", {"cycle_days": 1})).status_code == 200
    yesterday = DAY - timedelta(days=1)
    stack.move_to(16, 0, yesterday)
    for grid in grids[1:]:
        assert (await stack.report(grid, day=yesterday)).status_code == 201
    stack.move_to(17, 30, yesterday)
    assert (await stack.report(g2["id"], day=yesterday)).status_code == 201
    stack.move_to(9, 0, DAY)
    await sweep(stack.reporting)
    for compound_id in ids:
        await eligible_in_scoring(stack, compound_id)
    return {
        "county": county["id"],
        "town": town["id"],
        "community": community["id"],
        "compounds": ids,
    }


async def eligible_in_scoring(stack: Stack, entity_id: str, eligible: bool = True) -> None:
    """Wait until scoring has consumed reporting's verdict on the entity."""
    async with asyncio.timeout(15):
        while True:
            async with stack.scoring.store.db.read() as conn:
                value = await conn.fetchval(
                    "SELECT eligible FROM eligibility WHERE entity_id = $1", entity_id
                )
            if value is not None and bool(value) == eligible:
                return
            await asyncio.sleep(0.05)


async def launch(stack: Stack, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "宁化县无疫小区创建活动",
        "doc_number": "宁政办〔2022〕12号",
        "issuer": "宁化县人民政府办公室",
        "award_title": "无疫小区",
        "entity_kinds": ["compound"],
        "rubric_id": COMPOUND_RUBRIC,
        "notice_days": 5,
        "quotas": {"per_township": 2},
        "delisting": {"complaints_threshold": 2, "complaints_window_days": 30},
        **overrides,
    }
    campaign = await stack.created("/scoring/v1/campaigns", body)
    batch = await stack.created(
        f"/scoring/v1/campaigns/{campaign['id']}/batches",
        {"name": "首批", "opens_on": str(DAY), "closes_on": str(DAY + timedelta(days=30))},
    )
    return {**campaign, "batch_id": batch["id"]}


async def rubric(stack: Stack, rubric_id: str = COMPOUND_RUBRIC) -> dict[str, Any]:
    rubrics = (await stack.get("/scoring/v1/rubrics")).json()
    return next(r for r in rubrics if r["id"] == rubric_id)


def scores(rubric: dict[str, Any], short: float = 0.0) -> dict[str, float | bool]:
    """Full marks on every item, less ``short`` points taken from the first points item."""
    result: dict[str, float | bool] = {}
    for section in rubric["sections"]:
        for item in section["items"]:
            result[item["id"]] = True if item["max_points"] is None else item["max_points"]
    first = next(k for k, v in result.items() if not isinstance(v, bool))
    result[first] = float(result[first]) - short
    return result


def day(offset: int) -> date:
    return DAY + timedelta(days=offset)


STEPS = (
    "self_assessed",
    "submitted",
    "township_approved",
    "recommended",
    "county_evaluated",
    "in_public_notice",
    "awarded",
)


async def advance(
    stack: Stack, campaign: dict[str, Any], entity_id: str, town_id: str, to: str = "awarded"
) -> str:
    """Open an application for ``entity_id`` and walk it to state ``to``; returns its id.
    Moves the clock past the notice window when it awards."""
    seed = await rubric(stack, campaign["rubric_id"])
    admin = {"role": "entity_admin", "scope": entity_id}
    # a township's own application is reviewed a level up (nobody reviews their own)
    township = (
        {"role": "county_evaluator"}
        if entity_id == town_id
        else {"role": "township_reviewer", "scope": town_id}
    )
    county = {"role": "county_evaluator"}
    opened = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": entity_id},
        **admin,
    )
    assert opened.status_code == 201, opened.text
    path = f"/scoring/v1/applications/{opened.json()['id']}"
    steps = [
        (f"{path}/self-assessment", {"scores": scores(seed)}, admin),
        (f"{path}/submission", {}, admin),
        (f"{path}/township-review", {"decision": "approve"}, township),
        (f"{path}/recommendation", {}, township),
        (f"{path}/inspections", {"kind": "open", "scores": scores(seed)}, county),
        (f"{path}/public-notice", {}, county),
        (f"{path}/award", {}, county),
    ]
    for name, (url, body, who) in zip(STEPS, steps, strict=True):
        if name == "awarded":
            notice = (await stack.get(path)).json()["public_notice"]
            closes = date.fromisoformat(notice["closes_on"])
            if stack.clock.now().date() < closes:
                stack.move_to(9, 0, closes)
        response = await stack.post(url, body, **who)
        assert response.status_code in (200, 201), response.text
        assert response.json()["status"] == name
        if name == to:
            break
    return opened.json()["id"]
