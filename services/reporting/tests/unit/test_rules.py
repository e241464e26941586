"""Seed rules as pure functions: deadlines, counts, eligibility, completeness."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from wuyi_contracts.reporting import Abnormal, KeyPopulations, ReportCounts
from wuyi_core.errors import InvalidInput
from wuyi_reporting.domain.completeness import Rates
from wuyi_reporting.domain.counts import check_report, sum_counts
from wuyi_reporting.domain.eligibility import CaseFact, evaluate, window
from wuyi_reporting.domain.heatmap import worst_first
from wuyi_reporting.domain.settings import ReportingSettings

S = ReportingSettings()
DAY = date(2026, 3, 10)


def shanghai(hour: int, minute: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=S.zone)


def test_level3_reports_by_1700_in_the_tenants_zone_are_on_time():
    assert S.on_time(3, DAY, shanghai(16, 59))
    assert S.on_time(3, DAY, shanghai(17, 0))
    assert not S.on_time(3, DAY, shanghai(17, 1))


def test_level2_reports_by_1800():
    assert S.on_time(2, DAY, shanghai(17, 59))
    assert not S.on_time(2, DAY, shanghai(18, 1))


def test_deadline_is_computed_in_the_tenant_zone_not_utc():
    deadline = S.deadline(3, DAY)
    assert deadline is not None and deadline.astimezone(UTC).hour == 9  # 17:00 +08:00


def test_a_report_after_midnight_in_shanghai_belongs_to_the_new_local_day():
    just_after = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)  # 00:30 on the 11th in Shanghai
    assert S.local_date(just_after) == date(2026, 3, 11)


def test_future_days_are_refused_and_backfill_is_bounded():
    now = shanghai(12, 0)
    with pytest.raises(InvalidInput, match="future"):
        S.check_report_date(DAY + timedelta(days=1), now)
    S.check_report_date(DAY - timedelta(days=7), now)
    with pytest.raises(InvalidInput) as info:
        S.check_report_date(DAY - timedelta(days=8), now)
    assert info.value.field == "date"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Base"),
        ("level3_deadline", "25:00"),
        ("level3_deadline", "19:00"),
        ("backfill_days", -1),
        ("cycle_days", 0),
    ],
)
def test_invalid_settings_name_their_field(field, value):
    with pytest.raises(InvalidInput) as info:
        ReportingSettings(**{field: value})
    assert info.value.field == field


def test_a_zero_report_needs_no_counts_but_a_non_zero_one_does():
    check_report(True, None)
    with pytest.raises(InvalidInput) as info:
        check_report(False, None)
    assert info.value.field == "counts"


def test_a_zero_report_cannot_carry_abnormal_findings():
    with pytest.raises(InvalidInput) as info:
        check_report(True, ReportCounts(resident_population=10, abnormal=Abnormal(fever=1)))
    assert info.value.field == "zero"


def test_a_sub_total_above_the_resident_population_is_refused():
    counts = ReportCounts(resident_population=5, key_populations=KeyPopulations(vulnerable=6))
    with pytest.raises(InvalidInput) as info:
        check_report(False, counts)
    assert info.value.field == "counts.key_populations.vulnerable"


def test_the_rollup_sums_every_count():
    a = ReportCounts(resident_population=10, abnormal=Abnormal(fever=1), tests_done=3)
    b = ReportCounts(resident_population=5, abnormal=Abnormal(fever=2))
    total = sum_counts([a, b])
    assert (total.resident_population, total.abnormal.fever, total.tests_done) == (15, 3, 3)


FULL = {d: (2, 2) for d in window(DAY, 14)}


def test_a_case_13_days_ago_keeps_an_entity_ineligible_under_a_14_day_cycle():
    result = evaluate([CaseFact("close_contact", DAY - timedelta(days=13))], FULL, 2, DAY, 14)
    assert not result.eligible and result.failed_rules == ["cycle"] and result.clean_days == 13


def test_14_clean_days_make_it_eligible():
    result = evaluate([CaseFact("close_contact", DAY - timedelta(days=14))], FULL, 2, DAY, 14)
    assert result.eligible and result.clean_days == 14


def test_the_cycle_length_is_a_parameter():
    cases = [CaseFact("secondary_contact", DAY - timedelta(days=10))]
    assert evaluate(cases, FULL, 2, DAY, 7).eligible
    assert not evaluate(cases, FULL, 2, DAY, 21).eligible


def test_an_outbreak_not_lifted_fails_the_history_rule_even_after_the_cycle():
    outbreak = CaseFact("confirmed", DAY - timedelta(days=30))
    assert evaluate([outbreak], FULL, 2, DAY, 14).failed_rules == ["history"]
    lifted = CaseFact("confirmed", DAY - timedelta(days=30), lifted_on=DAY - timedelta(days=20))
    assert evaluate([lifted], FULL, 2, DAY, 14).eligible


def test_never_an_outbreak_passes_the_history_rule():
    assert evaluate([], FULL, 2, DAY, 14).eligible


def test_one_missed_day_fails_the_reporting_rule():
    days = {**FULL, DAY - timedelta(days=3): (2, 1)}
    assert evaluate([], days, 2, DAY, 14).failed_rules == ["reporting"]


def test_days_before_any_grid_reported_fail_the_reporting_rule():
    days = {**FULL, DAY - timedelta(days=14): (0, 0)}
    result = evaluate([], days, 2, DAY, 14)
    assert result.failed_rules == ["reporting"] and "whole cycle" in result.rules[2].message_en


def test_an_entity_without_grids_cannot_pass_the_reporting_rule():
    assert evaluate([], {}, 0, DAY, 14).failed_rules == ["reporting"]


def test_completeness_and_timeliness_rates_follow_dhis2():
    rates = Rates(expected=4, received=3, on_time=2) + Rates(0, 0, 0)
    assert (rates.completeness, rates.timeliness) == (0.75, 0.5)
    assert Rates(0, 0, 0).completeness is None


def test_a_count_over_the_population_is_named_by_its_chinese_label():
    """A clerk reads 已接种人数, not ``vaccinated``, in the message under the field."""
    from wuyi_contracts.reporting import ReportCounts
    from wuyi_core.errors import InvalidInput
    from wuyi_reporting.domain.counts import check_report

    for counts, label in (
        ({"vaccinated": 5}, "已接种人数（5）不能超过常住人口（0）"),
        ({"new_cases": {"confirmed": 2}}, "新增确诊（2）不能超过常住人口（0）"),
        ({"key_populations": {"returnees": 3}}, "返乡/来自风险地区人员（3）"),
    ):
        try:
            check_report(False, ReportCounts.model_validate(counts))
        except InvalidInput as error:
            assert label in error.message_zh and error.field and error.field.startswith("counts.")
        else:
            raise AssertionError("accepted a count over the population")


def test_grids_are_listed_as_a_person_counts_them():
    grids = [{"id": str(n), "name": f"第{n}网格"} for n in (10, 2, 1)]
    cells = {g["id"]: ["on_time"] for g in grids}
    assert [g["name"] for g in worst_first(grids, cells)] == ["第1网格", "第2网格", "第10网格"]
