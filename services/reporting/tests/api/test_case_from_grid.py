"""A grid member reports a case in its own scope (issue #9, item 4): naming its grid, it may
report a case of the grid's entity; it gets 403 for another grid and 422 for an entity the grid
does not belong to. Before, a grid member's case report was always 403 (its scope is a grid,
and a case was checked against the entity's lineage alone)."""

from __future__ import annotations


async def test_a_grid_member_reports_a_case_of_its_own_grid(stack, town):
    stack.move_to(9, 0)
    member = {"role": "grid_member", "scope": town["g3a"]}
    body = {"entity_id": town["village"], "kind": "confirmed", "date": str(stack.day)}
    without_grid = await stack.post("/reporting/v1/cases", body, **member)
    assert without_grid.status_code == 403
    case = await stack.post("/reporting/v1/cases", {**body, "grid_id": town["g3a"]}, **member)
    assert case.status_code == 201, case.text
    [event] = [
        e for e in await stack.reporting.store.read_all(0) if e.type.endswith("case.reported.v1")
    ]
    assert event.data["grid_id"] == town["g3a"]


async def test_a_grid_member_cannot_report_from_another_grid_or_for_another_entity(stack, town):
    stack.move_to(9, 0)
    member = {"role": "grid_member", "scope": town["g3a"]}
    body = {"entity_id": town["village"], "kind": "confirmed", "date": str(stack.day)}
    other = await stack.post("/reporting/v1/cases", {**body, "grid_id": town["g3b"]}, **member)
    assert other.status_code == 403
    elsewhere = {**body, "entity_id": town["township"], "grid_id": town["g3a"]}
    mismatch = await stack.post("/reporting/v1/cases", elsewhere, **member)
    assert mismatch.status_code == 422 and mismatch.json()["error"]["field"] == "grid_id"
