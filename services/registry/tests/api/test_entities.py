"""Entity endpoints: the tree, its rules, and who may change it."""

from __future__ import annotations

import asyncio


async def test_register_returns_201_with_a_server_assigned_id(api, county_tree):
    town = county_tree["town"]
    assert town["id"] and town["kind"] == "township"
    assert town["parent_id"] == county_tree["county"]["id"]
    fetched = await api.get(f"/registry/v1/entities/{town['id']}")
    assert fetched.json()["name"] == "东安镇"


async def test_an_invalid_parent_kind_is_422_naming_the_rule(api, county_tree):
    response = await api.post(
        "/registry/v1/entities",
        {"name": "错村", "kind": "village", "parent_id": county_tree["county"]["id"]},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "parent_id"
    assert "乡镇" in error["message_zh"] and "township" in error["message_en"]


async def test_an_unknown_parent_is_422_naming_parent_id(api, county_tree):
    response = await api.post(
        "/registry/v1/entities", {"name": "孤村", "kind": "village", "parent_id": "nope"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "parent_id"


async def test_one_county_per_tenant(api, county_tree):
    response = await api.post("/registry/v1/entities", {"name": "第二县", "kind": "county"})
    assert response.status_code == 409


async def test_same_name_and_kind_under_one_parent_is_a_conflict(api, county_tree):
    response = await api.post(
        "/registry/v1/entities",
        {"name": "西山村", "kind": "village", "parent_id": county_tree["town"]["id"]},
    )
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "name"


async def test_list_filters_by_parent_and_kind(api, county_tree):
    town = county_tree["town"]["id"]
    listed = (await api.get(f"/registry/v1/entities?parent_id={town}")).json()
    assert listed["total"] == 2
    assert {e["name"] for e in listed["items"]} == {"西山村", "南湖社区"}
    villages = (await api.get(f"/registry/v1/entities?parent_id={town}&kind=village")).json()
    assert [e["name"] for e in villages["items"]] == ["西山村"]


async def test_an_offset_beyond_any_list_is_422_not_500(api, county_tree):
    """Integers are bounded (issue #9): an offset past 64 bits overflowed the database."""
    for path in ("/registry/v1/entities", "/registry/v1/grids"):
        response = await api.get(f"{path}?offset={10**20}")
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == "offset"


async def test_rename_move_and_close_are_recorded(api, county_tree):
    village = county_tree["village"]["id"]
    renamed = await api.post(f"/registry/v1/entities/{village}/rename", {"name": "西山新村"})
    assert renamed.json()["name"] == "西山新村" and renamed.json()["version"] == 2
    town2 = await api.entity("北岭镇", "township", county_tree["county"]["id"])
    moved = await api.post(f"/registry/v1/entities/{village}/move", {"parent_id": town2["id"]})
    assert moved.json()["parent_id"] == town2["id"]
    closed = await api.post(f"/registry/v1/entities/{village}/close", {"reason": "撤村并居"})
    assert closed.json()["closed"] is True and closed.json()["close_reason"] == "撤村并居"
    types = [e.type for e in await api.registry.store.read_stream("t1", village)]
    assert types == [
        "cn.wuyi.registry.entity.registered.v1",
        "cn.wuyi.registry.entity.renamed.v1",
        "cn.wuyi.registry.entity.moved.v1",
        "cn.wuyi.registry.entity.closed.v1",
    ]


async def test_an_entity_cannot_move_under_its_own_descendant(api, county_tree):
    community = county_tree["community"]["id"]
    response = await api.post(
        f"/registry/v1/entities/{community}/move", {"parent_id": county_tree["compound"]["id"]}
    )
    assert response.status_code == 422


async def test_closing_an_entity_with_open_children_is_refused(api, county_tree):
    response = await api.post(
        f"/registry/v1/entities/{county_tree['community']['id']}/close", {"reason": "合并"}
    )
    assert response.status_code == 409


async def test_a_closed_entity_accepts_no_more_changes(api, county_tree):
    compound = county_tree["compound"]["id"]
    await api.post(f"/registry/v1/entities/{compound}/close", {"reason": "拆迁"})
    response = await api.post(f"/registry/v1/entities/{compound}/rename", {"name": "新小区"})
    assert response.status_code == 409


async def test_concurrent_renames_at_one_version_one_wins_the_rest_409(api, county_tree):
    village = county_tree["village"]
    responses = await asyncio.gather(
        *(
            api.http.post(
                f"/registry/v1/entities/{village['id']}/rename",
                json={"name": f"新名{i}"},
                headers={**api.auth(), "If-Match": f'"{village["version"]}"'},
            )
            for i in range(4)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409, 409, 409]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "concurrent_modification"
    }


async def test_concurrent_renames_without_if_match_lose_no_update(api, county_tree):
    village = county_tree["village"]["id"]
    responses = await asyncio.gather(
        *(
            api.post(f"/registry/v1/entities/{village}/rename", {"name": f"新名{i}"})
            for i in range(4)
        )
    )
    won = [r for r in responses if r.status_code == 200]
    assert all(r.status_code in (200, 409) for r in responses) and won
    final = (await api.get(f"/registry/v1/entities/{village}")).json()
    assert final["version"] == 1 + len(won)


async def test_a_stale_if_match_is_409_and_a_malformed_one_422(api, county_tree):
    village = county_tree["village"]["id"]
    stale = await api.http.post(
        f"/registry/v1/entities/{village}/rename",
        json={"name": "甲"},
        headers={**api.auth(), "If-Match": '"7"'},
    )
    assert stale.status_code == 409
    bad = await api.http.post(
        f"/registry/v1/entities/{village}/rename",
        json={"name": "甲"},
        headers={**api.auth(), "If-Match": "abc"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "If-Match"


async def test_contacts_are_shown_to_maintainers_only(api, county_tree):
    village = county_tree["village"]["id"]
    admin_view = (await api.get(f"/registry/v1/entities/{village}")).json()
    assert admin_view["contact"] == {"name": "联络员甲", "phone": "13800000001"}
    member_view = (
        await api.get(f"/registry/v1/entities/{village}", role="grid_member", scope=village)
    ).json()
    assert member_view["contact"] is None


async def test_contact_changes_stay_out_of_the_public_event(api, county_tree):
    village = county_tree["village"]["id"]
    response = await api.http.put(
        f"/registry/v1/entities/{village}/contact",
        json={"contact": {"name": "联络员乙", "phone": "13800000002"}},
        headers=api.auth(),
    )
    assert response.json()["contact"]["phone"] == "13800000002"
    last = (await api.registry.store.read_stream("t1", village))[-1]
    assert last.type.endswith("contact_changed.v1")
    assert "13800000002" not in last.envelope().model_dump_json()
