"""Grid endpoints: the three-level chain bound to the entity tree."""

from __future__ import annotations


async def chain(api, tree):
    g1 = await api.grid("东安镇一级网格", 1, tree["town"]["id"], code="G1")
    g2 = await api.grid("西山村二级网格", 2, tree["village"]["id"], g1["id"], code="G2")
    g3 = await api.grid(
        "第一网格",
        3,
        tree["village"]["id"],
        g2["id"],
        households=15,
        leader={"name": "网格长甲", "phone": "13800000011"},
    )
    return g1, g2, g3


async def test_a_three_level_chain_registers(api, county_tree):
    g1, g2, g3 = await chain(api, county_tree)
    assert (g1["level"], g2["parent_grid_id"], g3["parent_grid_id"]) == (1, g1["id"], g2["id"])
    assert g3["households"] == 15 and g3["leader"]["name"] == "网格长甲"


async def test_a_level_three_grid_under_a_level_one_grid_is_422(api, county_tree):
    g1, _, _ = await chain(api, county_tree)
    response = await api.post(
        "/registry/v1/grids",
        {
            "name": "错网格",
            "level": 3,
            "entity_id": county_tree["village"]["id"],
            "parent_grid_id": g1["id"],
        },
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "parent_grid_id" and "2级网格" in error["message_zh"]


async def test_a_parent_grid_of_an_unrelated_entity_is_refused(api, county_tree):
    g1, g2, _ = await chain(api, county_tree)
    response = await api.post(
        "/registry/v1/grids",
        {
            "name": "社区网格",
            "level": 3,
            "entity_id": county_tree["community"]["id"],
            "parent_grid_id": g2["id"],
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "parent_grid_id"


async def test_list_grids_of_an_entity_by_level(api, county_tree):
    await chain(api, county_tree)
    village = county_tree["village"]["id"]
    listed = (await api.get(f"/registry/v1/grids?entity_id={village}")).json()
    assert [g["level"] for g in listed["items"]] == [2, 3]
    level3 = (await api.get(f"/registry/v1/grids?entity_id={village}&level=3")).json()
    assert level3["total"] == 1


async def test_grid_leaders_are_hidden_from_readers_outside_maintenance(api, county_tree):
    _, _, g3 = await chain(api, county_tree)
    seen = (
        await api.get(
            f"/registry/v1/grids/{g3['id']}", role="grid_member", scope=county_tree["village"]["id"]
        )
    ).json()
    assert seen["leader"] is None and seen["households"] == 15


async def test_rename_close_and_the_closed_parent_rule(api, county_tree):
    _, g2, g3 = await chain(api, county_tree)
    renamed = await api.post(f"/registry/v1/grids/{g3['id']}/rename", {"name": "第一组"})
    assert renamed.json()["name"] == "第一组"
    refused = await api.post(f"/registry/v1/grids/{g2['id']}/close", {"reason": "合并"})
    assert refused.status_code == 409  # a level-3 grid is still open under it
    await api.post(f"/registry/v1/grids/{g3['id']}/close", {"reason": "合并"})
    closed = await api.post(f"/registry/v1/grids/{g2['id']}/close", {"reason": "合并"})
    assert closed.json()["closed"] is True


async def test_a_grid_moves_to_another_parent_of_the_level_above(api, county_tree):
    g1, g2, g3 = await chain(api, county_tree)
    other = await api.grid("西山村二级网格B", 2, county_tree["village"]["id"], g1["id"])
    moved = await api.post(f"/registry/v1/grids/{g3['id']}/move", {"parent_grid_id": other["id"]})
    assert moved.json()["parent_grid_id"] == other["id"]


async def test_a_grid_member_cannot_register_grids(api, county_tree):
    response = await api.post(
        "/registry/v1/grids",
        {"name": "x", "level": 1, "entity_id": county_tree["town"]["id"]},
        role="grid_member",
        scope=county_tree["town"]["id"],
    )
    assert response.status_code == 403
