"""Bad input on every registry endpoint: a 4xx with API.md's error body, nothing written."""

from __future__ import annotations

import pytest

BAD = [
    ("post", "/registry/v1/entities", {"kind": "village"}, "name"),
    ("post", "/registry/v1/entities", {"name": "x", "kind": "castle"}, "kind"),
    ("post", "/registry/v1/entities", {"name": "   ", "kind": "county"}, "name"),
    ("post", "/registry/v1/entities", {"name": "x", "kind": "county", "extra": 1}, "extra"),
    (
        "post",
        "/registry/v1/entities",
        {"name": "x", "kind": "county", "contact": {"name": "a", "phone": "abc"}},
        "contact.phone",
    ),
    ("post", "/registry/v1/entities", {"name": "x", "kind": "county", "code": "有 空格"}, "code"),
    ("post", "/registry/v1/grids", {"name": "g", "level": 4, "entity_id": "e"}, "level"),
    (
        "post",
        "/registry/v1/grids",
        {"name": "g", "level": 1, "entity_id": "e", "households": -1},
        "households",
    ),
    ("post", "/registry/v1/grids", {"name": "g", "level": 1, "entity_id": "missing"}, "entity_id"),
    ("post", "/registry/v1/entities/{village}/rename", {"name": ""}, "name"),
    ("post", "/registry/v1/entities/{village}/move", {}, "parent_id"),
    ("post", "/registry/v1/entities/{village}/close", {"reason": ""}, "reason"),
    ("put", "/registry/v1/entities/{village}/contact", {"contact": {"name": "a"}}, "contact.phone"),
    ("post", "/registry/v1/grids/{grid}/rename", {"name": 5}, "name"),
    ("post", "/registry/v1/grids/{grid}/move", {"parent_grid_id": "missing"}, "parent_grid_id"),
    ("post", "/registry/v1/grids/{grid}/close", {}, "reason"),
    ("put", "/registry/v1/grids/{grid}/leader", {"leader": None}, "leader"),
    ("get", "/registry/v1/entities?kind=castle", None, "kind"),
    ("get", "/registry/v1/grids?level=9", None, "level"),
    ("get", "/registry/v1/entities?limit=0", None, "limit"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), BAD)
async def test_bad_input_is_4xx_naming_the_field_and_writes_nothing(
    api, county_tree, method, path, body, field
):
    grid = await api.grid("一级网格", 1, county_tree["town"]["id"])
    head = await api.registry.store.head()
    url = path.format(village=county_tree["village"]["id"], grid=grid["id"])
    kwargs = {"headers": api.auth()} | ({"json": body} if body is not None else {})
    response = await api.http.request(method.upper(), url, **kwargs)
    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message_zh"] and error["message_en"]
    assert await api.registry.store.head() == head


async def test_malformed_json_is_422_not_500(api):
    response = await api.http.post(
        "/registry/v1/entities",
        content=b"{not json",
        headers={**api.auth(), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["message_zh"]


async def test_unknown_ids_are_404_with_the_error_body(api, county_tree):
    for path in ("/registry/v1/entities/nope", "/registry/v1/grids/nope"):
        response = await api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
