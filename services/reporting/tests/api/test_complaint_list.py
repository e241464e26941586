"""The complaints to verify, ``GET /reporting/v1/complaints``: a reviewer lists those about
entities in its scope (issue #11, "complaints to verify"), filtered by status and paged; the
texts name the caller, so nobody else lists them (issue #9, "Reads scoped like writes")."""

from __future__ import annotations


async def _complain(stack, entity_id: str, summary: str) -> str:
    body = {"entity_id": entity_id, "summary": summary, "source": "12345"}
    return str((await stack.created("/reporting/v1/complaints", body))["id"])


async def test_a_reviewer_lists_the_open_complaints_in_its_township(stack, town):
    first = await _complain(stack, town["village"], "夜间聚集，无人登记 13900000000")
    second = await _complain(stack, town["village"], "体温检测点无人值守")
    verified = await stack.post(
        f"/reporting/v1/complaints/{first}/verification", {"verified": True, "note": "属实"}
    )
    assert verified.status_code == 200
    reviewer = {"role": "township_reviewer", "scope": town["township"]}
    pending = await stack.get("/reporting/v1/complaints?status=open", **reviewer)
    assert pending.status_code == 200
    body = pending.json()
    assert body["total"] == 1
    [item] = body["items"]
    assert (item["id"], item["entity_name"], item["status"]) == (second, "西山村", "open")
    assert item["summary"] == "体温检测点无人值守"
    done = (await stack.get("/reporting/v1/complaints?status=verified", **reviewer)).json()
    assert [(i["id"], i["note"]) for i in done["items"]] == [(first, "属实")]
    page = (await stack.get("/reporting/v1/complaints?limit=1&offset=1", **reviewer)).json()
    assert page["total"] == 2 and len(page["items"]) == 1


async def test_nobody_but_a_reviewer_in_scope_lists_a_complaint(stack, town):
    """The complained-about entity's admin and its grid members never list the texts; another
    township's reviewer sees none of them; an unknown status is refused under its field."""
    await _complain(stack, town["village"], "反映问题")
    other = await stack.created(
        "/registry/v1/entities", {"name": "北岭镇", "kind": "township", "parent_id": town["county"]}
    )
    await stack.replicated(other["id"])
    for who in ({"role": "entity_admin", "scope": town["village"]},
                {"role": "grid_member", "scope": town["g3a"]}):  # fmt: skip
        assert (await stack.get("/reporting/v1/complaints", **who)).status_code == 403
    elsewhere = await stack.get(
        "/reporting/v1/complaints", role="township_reviewer", scope=other["id"]
    )
    assert elsewhere.json() == {"total": 0, "limit": 50, "offset": 0, "items": []}
    bad = await stack.get("/reporting/v1/complaints?status=closed")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"


async def test_an_offset_past_any_list_is_refused_under_its_field_not_a_500(stack):
    """2**63 overflowed SQLite's integers and answered 500 (found by the API fuzz); every paged
    list bounds its offset (``limits.Offset``)."""
    for path in ("/reporting/v1/complaints", "/registry/v1/entities"):
        refused = await stack.get(f"{path}?offset={2**63}")
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == "offset"
