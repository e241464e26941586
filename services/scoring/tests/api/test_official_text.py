"""Official wording is kept exactly as issued, hidden characters aside (issue #9, "Names"): an
award title 无疫村（社区） keeps its full-width parentheses (NFKC, right for registry names, would
make them ASCII), and a title with a direction override is refused."""

from __future__ import annotations

from ..conftest import build_county, launch


async def test_an_award_title_keeps_its_full_width_punctuation(stack):
    await build_county(stack, compounds=1)
    campaign = await launch(stack, award_title="无疫村（社区）", doc_number="建政发〔2022〕66号")
    assert campaign["award_title"] == "无疫村（社区）"
    assert campaign["doc_number"] == "建政发〔2022〕66号"


async def test_a_title_with_a_direction_override_is_refused(stack):
    await build_county(stack, compounds=1)
    response = await stack.post(
        "/scoring/v1/campaigns",
        {
            "title": "无疫\u202e小区",
            "doc_number": "x",
            "issuer": "县指挥部",
            "award_title": "无疫小区",
            "entity_kinds": ["compound"],
            "rubric_id": "seed-003-compound-v1",
        },
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == "title"
