"""Validation of a report's counts, and the sum of several (the level-2 roll-up)."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.reporting import Abnormal, KeyPopulations, NewCases, ReportCounts
from wuyi_core.errors import InvalidInput


def check_report(zero: bool, counts: ReportCounts | None) -> None:
    """A zero report (零报告) has nothing abnormal; a non-zero one has counts; no sub-total
    exceeds the resident population."""
    if counts is None:
        if not zero:
            raise InvalidInput("非零报告必须填写统计数", "a non-zero report needs counts", "counts")
        return
    if zero and (_total(counts.abnormal) or _total(counts.new_cases)):
        raise InvalidInput(
            "零报告不能含有异常或新增病例",
            "a zero report cannot carry abnormal findings or new cases",
            "zero",
        )
    limit = counts.resident_population
    parts = {
        **{f"key_populations.{k}": v for k, v in counts.key_populations.model_dump().items()},
        **{f"abnormal.{k}": v for k, v in counts.abnormal.model_dump().items()},
        **{f"new_cases.{k}": v for k, v in counts.new_cases.model_dump().items()},
        "vaccinated": counts.vaccinated,
    }
    for name, value in parts.items():
        if value > limit:
            raise InvalidInput(
                f"{name}（{value}）不能超过常住人口（{limit}）",
                f"{name} ({value}) exceeds resident_population ({limit})",
                f"counts.{name}",
            )


def _total(part: Abnormal | NewCases | KeyPopulations) -> int:
    return sum(part.model_dump().values())


def sum_counts(all_counts: list[ReportCounts]) -> ReportCounts:
    """Every count added up, section by section."""
    total = ReportCounts().model_dump()
    for counts in all_counts:
        total = _add(total, counts.model_dump())
    return ReportCounts.model_validate(total)


def _add(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    return {k: _add(v, b[k]) if isinstance(v, dict) else v + b[k] for k, v in a.items()}
