"""Names as people read them (issue #9, "Names"): NFKC-normalized, so two names that look alike
are one name and one unique key; control, direction-override and zero-width characters, which
can hide or reorder what a reviewer sees, are refused with 422 naming the field."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "name",
    ["西山\u202e村", "西山\u200b村", "西山\x07村", "\u2066西山村\u2069", "西山\ufeff村"],
)
async def test_a_name_with_hidden_characters_is_refused(api, county_tree, name):
    body = {"name": name, "kind": "village", "parent_id": county_tree["town"]["id"]}
    response = await api.post("/registry/v1/entities", body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "name" and "不可见字符" in error["message_zh"]
    assert "U+" in error["message_en"]


async def test_a_name_is_stored_normalized_and_unique_in_that_form(api, county_tree):
    wide = {"name": "Ａ区２号村", "kind": "village", "parent_id": county_tree["town"]["id"]}
    created = await api.post("/registry/v1/entities", wide)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "A区2号村"
    narrow = {**wide, "name": "A区2号村"}
    again = await api.post("/registry/v1/entities", narrow)
    assert again.status_code == 409, again.text
