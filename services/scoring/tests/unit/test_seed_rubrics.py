"""The seed rubrics say what the seed documents say (DOMAIN.md, "Rubrics in the seeds")."""

from __future__ import annotations

import pytest
from wuyi_contracts.rubric import RubricBody, RubricSection
from wuyi_scoring.domain.rubric import assess
from wuyi_scoring.domain.seed_rubrics import SEED_RUBRICS

BY_CODE = {rubric.code: rubric for rubric in SEED_RUBRICS}


def _points(section: RubricSection) -> float:
    return sum(item.max_points or 0 for item in section.items)


def _section(rubric: RubricBody, section_id: str) -> RubricSection:
    return next(s for s in rubric.sections if s.id == section_id)


def _checked_items(rubric: RubricBody) -> list[str]:
    """The items that are not vetoes (a veto is a gate, not one of the seed's standards)."""
    return [item.name for item in rubric.items() if not item.veto]


def test_six_rubrics_with_unique_codes_in_the_domain_order() -> None:
    """DOMAIN.md lists six: township, compound, county, unit, ten standards, six goods."""
    assert [r.code for r in SEED_RUBRICS] == [
        "seed-000-township",
        "seed-003-compound",
        "seed-001-6-county",
        "seed-002-unit",
        "seed-001-5-ten",
        "seed-001-3-six-goods",
    ]
    assert len(BY_CODE) == 6


def test_township_totals_100_sections_10_70_10_10_pass_90() -> None:
    """Seed 000: 满分100分，90分及以上为考核合格.

    组织体系健全（10分）、防控措施到位（70分）、防疫氛围浓厚（10分）、防控效果好（10分）.
    """
    township = BY_CODE["seed-000-township"]
    assert township.kind == "points"
    assert township.max_total == 100
    assert [(s.name, _points(s)) for s in township.sections] == [
        ("组织体系健全", 10),
        ("防控措施到位", 70),
        ("防疫氛围浓厚", 10),
        ("防控效果好", 10),
    ]
    assert township.pass_mark == 90
    assert township.application_mark <= township.max_total
    assert "建政发〔2022〕66号" in (township.source or "")


def test_compound_totals_100_with_sections_15_15_55_15() -> None:
    """Seed 003: 组织机构健全(15分)、“四方”协同防控机制完善(15分)、

    规范落实防控措施(55分)、保障措施健全(15分).
    """
    compound = BY_CODE["seed-003-compound"]
    assert compound.kind == "points"
    assert compound.max_total == 100
    points_sections = [(s.name, _points(s)) for s in compound.sections if _points(s)]
    assert points_sections == [
        ("组织机构健全", 15),
        ("“四方”协同防控机制完善", 15),
        ("规范落实防控措施", 55),
        ("保障措施健全", 15),
    ]


def test_compound_measures_55_split_10_10_20_15() -> None:
    """Seed 003 (三)规范落实防控措施(55分):

    1、底数清楚(10分) 2、疫情管控精准(10分) 3、防控措施落实到位(20分) 4、环境卫生干净整洁(15分).
    """
    measures = _section(BY_CODE["seed-003-compound"], "measures")
    assert [(item.name, item.max_points) for item in measures.items] == [
        ("底数清楚", 10),
        ("疫情管控精准", 10),
        ("防控措施落实到位", 20),
        ("环境卫生干净整洁", 15),
    ]


def test_compound_four_party_section_holds_the_ten_haves() -> None:
    """Seed 003: 村(社区)做到“十有”: 有防控工作机制 … 有突发疫情应急处置预案."""
    coord = _section(BY_CODE["seed-003-compound"], "coord")
    ten = [item.name for item in coord.items if item.id.startswith("coord.ten.")]
    assert len(ten) == 10
    assert ten[0] == "有防控工作机制"
    assert ten[-1] == "有突发疫情应急处置预案"


def test_compound_unresolved_outbreak_is_a_veto() -> None:
    """Seed 003: 无疫小区 = 从未发生过疫情, 或疫情已经解除; 同时还要具备以下条件."""
    compound = BY_CODE["seed-003-compound"]
    vetoes = [item for item in compound.items() if item.veto]
    assert [v.id for v in vetoes] == ["precondition.no_active_outbreak"]
    assert all(v.max_points is None for v in vetoes)


def test_county_self_assessment_needs_60_to_apply() -> None:
    """Seed 001 篇六: 自评合格后(达60分以上)报所在镇(街道); four standards."""
    county = BY_CODE["seed-001-6-county"]
    assert county.application_mark == 60
    assert [s.name for s in county.sections] == [
        "组织体系健全",
        "防控措施到位",
        "防疫氛围浓厚",
        "防控效果明显",
    ]
    # The seed's 自评表 with points is not in the seed: a checklist, 60 on its scale of 100.
    assert county.kind == "checklist"
    assert county.max_total == 100


def test_unit_has_seven_standards_and_is_a_checklist() -> None:
    """Seed 002 三、创建标准: 机构健全 … 宣传氛围浓厚, seven standards, no points."""
    unit = BY_CODE["seed-002-unit"]
    assert unit.kind == "checklist"
    assert len(unit.items()) == 7
    assert all(item.max_points is None for item in unit.items())
    assert unit.pass_mark == 100  # all must hold


def test_ten_standards_from_closed_loop_to_party_bastion() -> None:
    """Seed 001 篇五: 闭环管理“紧”、人员排查“细” … 宣传发动“广”、堡垒作用“强”等十项标准."""
    ten = BY_CODE["seed-001-5-ten"]
    assert ten.kind == "checklist"
    standards = _checked_items(ten)
    assert len(standards) == 10
    assert standards[0] == "闭环管理“紧”"
    assert standards[1] == "人员排查“细”"
    assert standards[-1] == "堡垒作用“强”"
    # 围绕一个目标[单位连续X4天以上无新冠肺炎确诊病例]: the goal is the veto.
    assert [item.id for item in ten.items() if item.veto] == ["goal.no_case"]


def test_six_goods_on_a_14_day_cycle() -> None:
    """Seed 001 篇三: 以14天为一个周期; 网络织密好 … 环境维护好; 疫情“零发生”."""
    six = BY_CODE["seed-001-3-six-goods"]
    assert six.kind == "checklist"
    assert six.cycle_days == 14
    assert _checked_items(six) == [
        "网络织密好",
        "防疫措施好",
        "信息共享好",
        "需求满足好",
        "个人防控好",
        "环境维护好",
    ]
    assert [item.id for item in six.items() if item.veto] == ["goal.zero_occurrence"]


@pytest.mark.parametrize("rubric", SEED_RUBRICS, ids=lambda r: r.code)
def test_every_seed_rubric_scores_full_marks_and_names_its_source(rubric: RubricBody) -> None:
    """Each rubric is scorable: full marks reach the total and the pass mark; source is named."""
    full = {item.id: (item.max_points if item.max_points else True) for item in rubric.items()}
    result = assess(rubric, full)
    assert result.total == rubric.max_total
    assert result.reaches(rubric.pass_mark)
    assert rubric.application_mark <= rubric.max_total
    assert rubric.pass_mark <= rubric.max_total
    assert rubric.source


@pytest.mark.parametrize(
    "rubric", [r for r in SEED_RUBRICS if any(i.veto for i in r.items())], ids=lambda r: r.code
)
def test_a_failed_veto_fails_whatever_the_rest(rubric: RubricBody) -> None:
    """一票否决: everything else at full marks, the veto failing, the rubric is not passed."""
    scores = {item.id: (False if item.veto else item.max_points or True) for item in rubric.items()}
    assert not assess(rubric, scores).reaches(rubric.pass_mark)
