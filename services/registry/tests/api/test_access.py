"""Access: tenant isolation, role and jurisdiction scope on every write."""

from __future__ import annotations


async def test_no_token_is_401_with_the_error_body(api):
    response = await api.http.get("/registry/v1/entities")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_a_forged_token_is_401(api):
    response = await api.http.get(
        "/registry/v1/entities", headers={"Authorization": "Bearer not.a.token"}
    )
    assert response.status_code == 401


async def test_another_tenant_can_neither_read_nor_write_it_sees_404(api, county_tree):
    village = county_tree["village"]["id"]
    assert (await api.get(f"/registry/v1/entities/{village}", tenant="t2")).status_code == 404
    renamed = await api.post(f"/registry/v1/entities/{village}/rename", {"name": "x"}, tenant="t2")
    assert renamed.status_code == 404
    assert (await api.get("/registry/v1/entities", tenant="t2")).json()["total"] == 0


async def test_a_township_reviewer_writes_inside_its_township_only(api, county_tree):
    town = county_tree["town"]["id"]
    inside = await api.post(
        "/registry/v1/entities",
        {"name": "新村", "kind": "village", "parent_id": town},
        role="township_reviewer",
        scope=town,
    )
    assert inside.status_code == 201
    other = await api.entity("北岭镇", "township", county_tree["county"]["id"])
    outside = await api.post(
        "/registry/v1/entities",
        {"name": "外村", "kind": "village", "parent_id": other["id"]},
        role="township_reviewer",
        scope=town,
    )
    assert outside.status_code == 403


async def test_grid_members_and_evaluators_cannot_change_the_registry(api, county_tree):
    village = county_tree["village"]["id"]
    for role in ("grid_member", "county_evaluator"):
        response = await api.post(
            f"/registry/v1/entities/{village}/rename", {"name": "x"}, role=role, scope=village
        )
        assert response.status_code == 403


async def test_only_a_county_admin_registers_the_county(api):
    response = await api.post(
        "/registry/v1/entities",
        {"name": "县", "kind": "county"},
        role="township_reviewer",
        scope="x",
    )
    assert response.status_code == 403
