"""Coordinates of an entity for the 插旗分布图: optional, both or neither, within China's extent
(a swapped longitude and latitude is refused), kept through rebuilds and roster imports."""

from __future__ import annotations

from .test_imports import csv_bytes


async def test_an_entity_registered_with_a_location_shows_it(api, county_tree):
    where = {"lon": 116.9, "lat": 26.2}
    village = await api.entity("东坪村", "village", county_tree["town"]["id"], location=where)
    assert village["location"] == where
    listed = (await api.get(f"/registry/v1/entities?parent_id={county_tree['town']['id']}")).json()
    by_name = {e["name"]: e["location"] for e in listed["items"]}
    assert by_name["东坪村"] == where and by_name["西山村"] is None


async def test_a_swapped_or_half_location_is_refused_naming_the_field(api, county_tree):
    body = {"name": "错村", "kind": "village", "parent_id": county_tree["town"]["id"]}
    swapped = await api.post(
        "/registry/v1/entities", {**body, "location": {"lon": 26.2, "lat": 116.9}}
    )
    assert swapped.status_code == 422
    assert swapped.json()["error"]["field"].startswith("location")
    half = await api.post("/registry/v1/entities", {**body, "location": {"lon": 116.9}})
    assert half.status_code == 422


async def test_a_roster_row_may_carry_longitude_and_latitude(api):
    rows = [
        ["类别", "编码", "名称", "类型", "上级编码", "经度", "纬度"],
        ["主体", "C", "示范县", "county", "", "116.8", "26.1"],
        ["主体", "T1", "东安镇", "乡镇", "C", "", ""],
        ["主体", "T2", "半坐标镇", "乡镇", "C", "116.8", ""],
    ]
    files = {"file": ("roster.csv", csv_bytes(rows), "text/csv")}
    report = (await api.http.post("/registry/v1/imports", files=files, headers=api.auth())).json()
    assert [r["status"] for r in report["rows"]] == ["accepted", "accepted", "rejected"]
    county = (await api.get("/registry/v1/entities?kind=county")).json()["items"][0]
    assert county["location"] == {"lon": 116.8, "lat": 26.1}
