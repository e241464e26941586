"""The county the access test probes: two mirror townships, each with a village, a compound,
grids, a lifted case, a verified complaint and a compound's application that the county
inspected unannounced (暗访) and rejected. Township A holds the targets; township B gives the
out-of-scope tokens the same shape of scope elsewhere in the county."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from wuyi_reporting.application.eligibility import sweep

from tests.stacks import DAY, Stack

YESTERDAY = DAY - timedelta(days=1)
RUBRIC = "seed-003-compound-v1"
CALLER_PHONE = "13912345678"  # what a complaint's text may carry; never shown out of scope


async def build_world(stack: Stack) -> dict[str, Any]:
    county = await stack.created("/registry/v1/entities", {"name": "访问县", "kind": "county"})
    branches = [await _branch(stack, county["id"], name) for name in ("甲", "乙")]
    for branch in branches:
        for key in ("T", "V", "K", "g1", "g2", "g3"):
            await stack.replicated(branch[key])
    assert (await stack.put("/reporting/v1/settings", {"cycle_days": 1})).status_code == 200
    stack.move_to(16, 0, YESTERDAY)
    for branch in branches:
        assert (await stack.report(branch["g3"], day=YESTERDAY)).status_code == 201
        assert (await stack.report(branch["g2"], day=YESTERDAY)).status_code == 201
    stack.move_to(9, 0, DAY)
    await sweep(stack.reporting)
    for branch in branches:
        await _eligible_in_scoring(stack, branch["K"])
    campaign = await stack.created(
        "/scoring/v1/campaigns",
        {
            "title": "访问县无疫小区创建活动",
            "doc_number": "访政办〔2022〕1号",
            "issuer": "访问县人民政府办公室",
            "award_title": "无疫小区",
            "entity_kinds": ["compound"],
            "rubric_id": RUBRIC,
        },
    )
    batch = await stack.created(
        f"/scoring/v1/campaigns/{campaign['id']}/batches",
        {"name": "首批", "opens_on": str(DAY), "closes_on": str(DAY + timedelta(days=30))},
    )
    rubric = next(r for r in (await stack.get("/scoring/v1/rubrics")).json() if r["id"] == RUBRIC)
    for branch in branches:
        branch["app"] = await _rejected_application(stack, campaign["id"], batch["id"], branch)
        await _reporting_facts(stack, branch)
    photo = {"file": ("现场照片.png", b"\x89PNG\r\n\x1a\n" + bytes(32), "image/png")}
    evidence = await stack.http.post("/scoring/v1/evidence", files=photo, headers=stack.auth())
    assert evidence.status_code == 201, evidence.text
    return {
        "county": county["id"],
        "campaign": campaign["id"],
        "evidence": evidence.json()["id"],
        "batch": batch["id"],
        "rubric": rubric,
        "A": branches[0],
        "B": branches[1],
    }


async def _branch(stack: Stack, county_id: str, tag: str) -> dict[str, Any]:
    town = await stack.created(
        "/registry/v1/entities", {"name": f"{tag}镇", "kind": "township", "parent_id": county_id}
    )
    village = await stack.created(
        "/registry/v1/entities",
        {
            "name": f"{tag}村",
            "kind": "village",
            "parent_id": town["id"],
            "contact": {"name": f"{tag}联络员", "phone": "13800000001"},
        },
    )
    compound = await stack.created(
        "/registry/v1/entities",
        {"name": f"{tag}小区", "kind": "compound", "parent_id": village["id"]},
    )
    g1 = await stack.created(
        "/registry/v1/grids", {"name": f"{tag}一级", "level": 1, "entity_id": town["id"]}
    )
    g2 = await stack.created(
        "/registry/v1/grids",
        {"name": f"{tag}二级", "level": 2, "entity_id": village["id"], "parent_grid_id": g1["id"]},
    )
    g3 = await stack.created(
        "/registry/v1/grids",
        {"name": f"{tag}三级", "level": 3, "entity_id": compound["id"], "parent_grid_id": g2["id"]},
    )
    return {"T": town["id"], "V": village["id"], "K": compound["id"], "g1": g1["id"],
            "g2": g2["id"], "g3": g3["id"]}  # fmt: skip


async def _eligible_in_scoring(stack: Stack, entity_id: str) -> None:
    async with asyncio.timeout(15):
        while True:
            async with stack.scoring.store.db.read() as conn:
                value = await conn.fetchval(
                    "SELECT eligible FROM eligibility WHERE entity_id = $1", entity_id
                )
            if value:
                return
            await asyncio.sleep(0.05)


async def _rejected_application(
    stack: Stack, campaign_id: str, batch_id: str, branch: dict[str, Any]
) -> str:
    """The compound applies; the township approves and recommends; the county visits
    unannounced (暗访) with evidence, then rejects: every later step is a 409, not a change."""
    rubric = next(r for r in (await stack.get("/scoring/v1/rubrics")).json() if r["id"] == RUBRIC)
    full = {
        item["id"]: True if item["max_points"] is None else item["max_points"]
        for section in rubric["sections"]
        for item in section["items"]
    }
    admin = {"role": "entity_admin", "scope": branch["K"]}
    town = {"role": "township_reviewer", "scope": branch["T"]}
    county = {"role": "county_evaluator"}
    opened = await stack.post(
        "/scoring/v1/applications",
        {"campaign_id": campaign_id, "batch_id": batch_id, "entity_id": branch["K"]},
        **admin,
    )
    assert opened.status_code == 201, opened.text
    path = f"/scoring/v1/applications/{opened.json()['id']}"
    for url, body, who in (
        (f"{path}/self-assessment", {"scores": full}, admin),
        (f"{path}/submission", {}, admin),
        (f"{path}/township-review", {"decision": "approve"}, town),
        (f"{path}/recommendation", {}, town),
        (f"{path}/inspections", {"kind": "unannounced", "scores": full,
                                 "evidence": ["photo-of-gate.jpg"]}, county),
        (f"{path}/rejection", {"note": "垃圾清运不及时"}, county),
    ):  # fmt: skip
        response = await stack.post(url, body, **who)
        assert response.status_code in (200, 201), (url, response.text)
    return str(opened.json()["id"])


async def _reporting_facts(stack: Stack, branch: dict[str, Any]) -> None:
    """A lifted case and a verified complaint against the village, so a second lift or
    verification is a 409 whoever may try it."""
    case = await stack.created(
        "/reporting/v1/cases",
        {"entity_id": branch["V"], "kind": "secondary_contact", "date": str(YESTERDAY)},
    )
    assert (await stack.post(f"/reporting/v1/cases/{case['id']}/lift", {})).status_code == 200
    complaint = await stack.created(
        "/reporting/v1/complaints",
        {"entity_id": branch["V"], "summary": f"来电人张三 {CALLER_PHONE}", "source": "12345"},
    )
    verified = await stack.post(
        f"/reporting/v1/complaints/{complaint['id']}/verification",
        {"verified": True, "note": "属实"},
    )
    assert verified.status_code == 200, verified.text
    branch["case"], branch["complaint"] = case["id"], complaint["id"]
    async with stack.reporting.store.db.read() as conn:  # the complaint's first event
        branch["complaint_event"] = await conn.fetchval(
            "SELECT event_id FROM events WHERE tenant = 't1' AND data LIKE $1"
            " ORDER BY position LIMIT 1",
            f"%{complaint['id']}%",
        )
