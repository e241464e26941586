"""Pure rules of scoring, named for the seed rule they implement."""

from __future__ import annotations

from datetime import date

import pytest
from wuyi_contracts.rubric import RubricBody
from wuyi_contracts.scoring import Component, DelistingRules, Quotas
from wuyi_core.errors import Conflict
from wuyi_scoring.domain.application import Status, fold
from wuyi_scoring.domain.rubric import InvalidScores, assess
from wuyi_scoring.domain.rules import (
    combine,
    complaints_delist,
    component_share_holds,
    notice_closes_on,
    quota_report,
)

POINTS = RubricBody.model_validate(
    {
        "code": "t",
        "name": "测试",
        "kind": "points",
        "application_mark": 60,
        "pass_mark": 90,
        "sections": [
            {"id": "org", "name": "组织", "items": [{"id": "a", "name": "A", "max_points": 40}]},
            {
                "id": "fx",
                "name": "措施",
                "items": [
                    {"id": "b", "name": "B", "max_points": 60},
                    {"id": "v", "name": "未发生疫情", "veto": True},
                ],
            },
        ],
    }
)


def test_a_rubric_total_is_the_sum_of_item_points_per_section():
    result = assess(POINTS, {"a": 35, "b": 58.5, "v": True})
    assert result.total == 93.5 and result.sections == {"org": 35, "fx": 58.5}
    assert result.reaches(90)


def test_a_failed_veto_item_fails_the_whole_assessment_whatever_the_points():
    """一票否决: one failed veto fails everything."""
    result = assess(POINTS, {"a": 40, "b": 60, "v": False})
    assert result.total == 100 and result.vetoes_failed == ("v",) and not result.reaches(0)


def test_unknown_missing_and_excessive_item_scores_are_all_named():
    with pytest.raises(InvalidScores) as caught:
        assess(POINTS, {"a": 41, "zz": 1, "v": 2})
    assert {(p.item_id, p.rule) for p in caught.value.problems} == {
        ("a", "above_max"),
        ("zz", "unknown"),
        ("b", "missing"),
        ("v", "not_pass_fail"),
    }


def test_a_checklist_rubric_scores_the_share_of_items_that_hold():
    checklist = RubricBody.model_validate(
        {
            "code": "c",
            "name": "七条标准",
            "kind": "checklist",
            "application_mark": 100,
            "pass_mark": 100,
            "sections": [
                {
                    "id": "s",
                    "name": "标准",
                    "items": [{"id": f"i{n}", "name": f"{n}"} for n in range(4)],
                }
            ],
        }
    )
    assert assess(checklist, {"i0": True, "i1": True, "i2": True, "i3": False}).total == 75


def test_marks_above_the_rubric_total_are_refused():
    with pytest.raises(ValueError, match="exceed"):
        RubricBody.model_validate({**POINTS.model_dump(), "pass_mark": 101})


def test_inspections_combine_by_mean_by_default_or_min_or_last():
    assert combine("mean", [95, 97]) == 96
    assert combine("min", [95, 97]) == 95
    assert combine("last", [95, 90]) == 90


def test_public_notice_of_n_days_allows_the_award_from_day_n():
    """公示 5 天: objections from the opening day through the fifth day."""
    assert notice_closes_on(date(2022, 11, 1), 5) == date(2022, 11, 6)


def test_concentrated_verified_complaints_in_the_window_delist():
    """群众投诉集中且经核实: N verified complaints within the window."""
    rules = DelistingRules(complaints_threshold=3, complaints_window_days=30)
    today = date(2022, 12, 31)
    inside = [date(2022, 12, 2), date(2022, 12, 20), date(2022, 12, 31)]
    assert complaints_delist(rules, inside, today)
    assert not complaints_delist(rules, [date(2022, 12, 1), *inside[1:]], today)


def test_a_township_title_needs_the_share_of_its_titled_entities():
    """从创建无疫小区，实现无疫乡镇: all (or a set share) of the compounds hold their title."""
    assert component_share_holds(Component(campaign_id="c", min_share=1.0), 4, 4)
    assert not component_share_holds(Component(campaign_id="c", min_share=1.0), 4, 3)
    assert component_share_holds(Component(campaign_id="c", min_share=0.75), 4, 3)
    assert not component_share_holds(Component(campaign_id="c"), 0, 0)


def test_quota_report_names_townships_and_kinds_short_of_their_minimum():
    """每个乡镇每批至少申报 1 个；全县至少 2 个村、1 个小区."""
    quotas = Quotas(per_township=1, per_county_by_kind={"village": 2, "compound": 1})
    short = quota_report(quotas, "county", ["t1", "t2"], {"t1": 2}, {"village": 2})
    assert [(s.scope_id, s.kind, s.required, s.applied) for s in short] == [
        ("t2", None, 1, 0),
        ("county", "compound", 1, 0),
    ]


def test_an_application_folds_through_its_lifecycle_and_refuses_other_steps():
    opened = {
        "application_id": "a1",
        "campaign_id": "c",
        "batch_id": "b",
        "entity_id": "e",
        "entity_name": "小区",
        "entity_kind": "compound",
        "township_id": "t",
    }
    state = fold(
        [
            ("opened", opened),
            ("self_assessed", {"total": 95, "vetoes_failed": []}),
            ("submitted", {}),
        ]
    )
    assert state is not None and state.status is Status.SUBMITTED and state.version == 3
    state.expect("township_review")
    with pytest.raises(Conflict, match="state submitted"):
        state.expect("award")
