"""Reads scoped like writes (issue #9), told as the issue tells them, on the county of
``world.py``: complaints, inspections, application lists and tenant-wide settings."""

from __future__ import annotations

import pytest

from tests.access.world import CALLER_PHONE

pytestmark = pytest.mark.asyncio(loop_scope="package")


async def test_the_complained_about_entitys_admin_cannot_read_the_complaint(county):
    """Issue #9: "The complained-about entity's admin finds the complaint id ... and reads
    it." No more: the text carries the caller's name and phone."""
    stack, world = county
    a = world["A"]
    path = f"/reporting/v1/complaints/{a['complaint']}"
    refused = await stack.get(path, role="entity_admin", scope=a["V"])
    assert refused.status_code == 403 and CALLER_PHONE not in refused.text
    read = await stack.get(path, role="township_reviewer", scope=a["T"])
    assert read.status_code == 200 and CALLER_PHONE in read.json()["summary"]


async def test_a_grid_member_reads_no_complaint_of_the_county(county):
    """Issue #9: "Today a grid member reads any complaint of the county"."""
    stack, world = county
    a = world["A"]
    response = await stack.get(
        f"/reporting/v1/complaints/{a['complaint']}", role="grid_member", scope=a["g2"]
    )
    assert response.status_code == 403


async def test_the_applicant_never_sees_who_inspected_unannounced_nor_the_evidence(county):
    """Issue #9: "Inspections and evidence go to the applicant's review chain and the county"."""
    stack, world = county
    a = world["A"]
    path = f"/scoring/v1/applications/{a['app']}"
    own = (await stack.get(path, role="entity_admin", scope=a["K"])).json()
    [seen] = own["inspections"]
    assert seen["kind"] == "unannounced" and seen["scores"]
    assert seen["inspector"] is None and seen["evidence"] == []
    chain = (await stack.get(path, role="township_reviewer", scope=a["T"])).json()
    assert chain["inspections"][0]["inspector"] == "county_evaluator"
    assert chain["inspections"][0]["evidence"] == ["photo-of-gate.jpg"]


async def test_the_applicants_audit_timeline_names_no_inspector(county):
    stack, world = county
    a = world["A"]
    path = f"/scoring/v1/entities/{a['K']}/audit"
    own = (await stack.get(path, role="entity_admin", scope=a["K"])).json()["events"]
    inspections = [e for e in own if e["type"].endswith("inspection_recorded.v1")]
    assert inspections and all(e["actor"] is None and e["evidence"] == [] for e in inspections)
    county_view = (await stack.get(path, role="county_evaluator")).json()["events"]
    assert any(e["actor"] == "county_evaluator" for e in county_view if "inspection" in e["type"])


async def test_an_unscoped_token_of_a_non_county_role_lists_no_application(county):
    """Issue #9: "Unscoped tokens list every application, including who inspected unannounced"."""
    stack, world = county
    for role in ("entity_admin", "township_reviewer"):
        response = await stack.get("/scoring/v1/applications", role=role)
        assert response.status_code == 200 and response.json()["applications"] == []


async def test_a_township_lists_its_own_applications_only(county):
    stack, world = county
    listed = await stack.get(
        "/scoring/v1/applications", role="township_reviewer", scope=world["A"]["T"]
    )
    ids = {a["id"] for a in listed.json()["applications"]}
    assert world["A"]["app"] in ids and world["B"]["app"] not in ids


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/reporting/v1/settings", {"cycle_days": 1}),
        ("POST", "/scoring/v1/campaigns", {}),
        ("POST", "/scoring/v1/rubrics", {}),
        ("POST", "/registry/v1/entities", {"name": "又一个县", "kind": "county"}),
    ],
)
async def test_a_county_admin_scoped_to_a_village_cannot_change_tenant_wide_settings(
    county, method, path, body
):
    """Issue #9: "A county admin scoped to a village cannot change tenant-wide settings"."""
    stack, world = county
    headers = stack.auth("county_admin", world["A"]["V"])
    if path == "/scoring/v1/campaigns":
        body = {"title": "活动", "doc_number": "1号", "issuer": "县", "award_title": "无疫小区",
                "entity_kinds": ["compound"], "rubric_id": world["rubric"]["id"]}  # fmt: skip
    if path == "/scoring/v1/rubrics":
        keep = ("name", "kind", "sections", "application_mark", "pass_mark")
        body = {"code": "village-admin", **{k: world["rubric"][k] for k in keep}}
    response = await stack.http.request(method, path, json=body, headers=headers)
    assert response.status_code == 403, response.text


async def test_a_grid_member_sees_its_own_grid_and_those_below_only(county):
    """Issue #9: "a grid member sees its own grid and below" (completeness, reports, roll-ups)."""
    stack, world = county
    a = world["A"]
    member = {"role": "grid_member", "scope": a["g3"]}
    below = await stack.get(f"/reporting/v1/completeness?grid_id={a['g3']}", **member)
    above = await stack.get(f"/reporting/v1/completeness?grid_id={a['g2']}", **member)
    village = await stack.get(f"/reporting/v1/completeness?entity_id={a['V']}", **member)
    assert below.status_code == 200
    assert above.status_code == village.status_code == 403
