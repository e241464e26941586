"""Validation of a report's counts, and the sum of several (the level-2 roll-up)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from wuyi_contracts.reporting import Abnormal, KeyPopulations, NewCases, ReportCounts, Rollup
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
                f"{label_zh(name)}（{value}）不能超过常住人口（{limit}）",
                f"{name} ({value}) exceeds resident_population ({limit})",
                f"counts.{name}",
            )


def label_zh(name: str) -> str:
    """A count's Chinese label (its field description), e.g. ``vaccinated`` -> 已接种人数: a
    clerk reads the message, not the field name."""
    model: type[BaseModel] = ReportCounts
    *parents, leaf = name.split(".")
    for part in parents:
        annotation = model.model_fields[part].annotation
        assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
        model = annotation
    return model.model_fields[leaf].description or name


def check_rollup_zero(zero: bool, rollup: Rollup | None) -> None:
    """Seed 004: 二级网格长每天下午6点前向一级网格长汇报 — a level-2 report passes its level-3
    grids' reports up, so it cannot say "nothing abnormal" over children that reported
    abnormal findings or new cases."""
    if zero and rollup is not None:
        found = _total(rollup.totals.abnormal) + _total(rollup.totals.new_cases)
        if found:
            raise InvalidInput(
                f"下级网格今日报告了 {found} 项异常或新增病例，"
                "二级网格不能报零报告，请填写汇总统计数",
                f"the level-3 grids below reported {found} abnormal findings or new cases "
                "today; a level-2 zero report cannot pass them up: send the counts",
                "zero",
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
