"""A NUL character anywhere in a request is refused with 422 naming the field, on both
databases: PostgreSQL's text cannot hold one, and before this the driver's error answered 500
(found by a helper on `GET /reporting/v1/eligibility/%00`). Nothing is written."""

from __future__ import annotations

import pytest
from wuyi_core.nul import nul_field

from tests.stacks import running_stack


@pytest.fixture(params=["sqlite", "postgres"])
async def stack(request, tmp_path):
    async with running_stack(request.param, tmp_path, "unused.") as stack:
        yield stack


def refused(response, field: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert "空字符" in error["message_zh"] and "NUL" in error["message_en"]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/reporting/v1/eligibility/%00", "path"),
        ("/registry/v1/entities/a%00b", "path"),
        ("/scoring/v1/applications/%00", "path"),
        ("/reporting/v1/complaints?entity_id=%00", "entity_id"),
        ("/registry/v1/grids?entity_id=x%00", "entity_id"),
    ],
)
async def test_a_nul_in_the_url_is_422_naming_where(stack, path, field):
    refused(await stack.get(path), field)


async def test_a_nul_in_a_json_field_is_422_naming_it_and_nothing_is_written(stack):
    county = await stack.created("/registry/v1/entities", {"name": "县", "kind": "county"})
    before = await stack.reporting.store.head()
    body = {"name": "东安\u0000镇", "kind": "township", "parent_id": county["id"]}
    refused(await stack.post("/registry/v1/entities", body), "name")
    complaint = {"entity_id": county["id"], "source": "hotline", "text": "ok", "x": ["a\u0000"]}
    refused(await stack.post("/reporting/v1/complaints", complaint), "x.0")
    assert await stack.reporting.store.head() == before
    listed = (await stack.get("/registry/v1/entities?kind=township")).json()["items"]
    assert listed == []


def test_the_field_named_is_the_first_string_holding_a_nul():
    assert nul_field({"a": "ok", "b": {"c": ["x", "y\u0000"]}}) == "b.c.1"
    assert nul_field({"k\u0000": 1}) == "k"
    assert nul_field({"a": 1, "b": None, "c": [True]}) is None
