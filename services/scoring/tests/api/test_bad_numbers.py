"""Numbers cost a clear error, never the server (issue #9, "Numbers and dates"): NaN and
Infinity are refused with 422 naming the item, and nothing is written. Before, a NaN item score
was stored in a hash-chained event and the next step answered 500."""

from __future__ import annotations

import json
import math

import pytest

from ..conftest import build_county, launch, rubric, scores
from .test_lifecycle import opened


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
async def test_nan_and_infinite_item_scores_are_refused_and_nothing_is_written(stack, value):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    compound = county["compounds"][0]
    path = await opened(stack, campaign, compound)
    bad = scores(await rubric(stack))
    item = next(k for k, v in bad.items() if not isinstance(v, bool))
    bad[item] = value
    before = await stack.scoring.store.head()
    response = await stack.http.post(
        f"{path}/self-assessment",
        content=json.dumps({"scores": bad}),  # NaN / Infinity literals, as Python writes them
        headers={**stack.auth("entity_admin", compound), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == f"scores.{item}"
    assert "有限的数字" in error["message_zh"]
    assert await stack.scoring.store.head() == before
    assert (await stack.get(path)).json()["status"] == "draft"
