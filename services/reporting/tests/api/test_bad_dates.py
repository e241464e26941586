"""Dates stay in a plausible window (issue #9, "Numbers and dates"): a case dated 0001-01-01
was accepted, and a completeness query for the year 9999 answered 500. Both are 422 naming the
field now, in both languages, and nothing is written."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
async def test_a_case_dated_outside_the_plausible_window_is_422(stack, town, day):
    before = await stack.reporting.store.head()
    body = {"entity_id": town["village"], "kind": "confirmed", "date": day}
    response = await stack.post("/reporting/v1/cases", body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "date" and "合理范围" in error["message_zh"]
    assert "2019-12-01" in error["message_en"]
    assert await stack.reporting.store.head() == before


@pytest.mark.parametrize("query", ["date=9999-12-31", "from=0001-01-01&to=9999-12-31"])
async def test_a_completeness_query_far_outside_the_window_is_422_not_500(stack, town, query):
    response = await stack.get(f"/reporting/v1/completeness?entity_id={town['township']}&{query}")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] in ("date", "from", "to")
