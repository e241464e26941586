"""Validation of a report's counts, and the sum of several (the level-2 roll-up)."""

from __future__ import annotations

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
    def add(model: type, parts: list) -> object:  # type: ignore[type-arg]
        keys = model.model_fields
        return model(**{k: sum(getattr(p, k) for p in parts) for k in keys})

    return ReportCounts(
        resident_population=sum(c.resident_population for c in all_counts),
        registered_population=sum(c.registered_population for c in all_counts),
        key_populations=add(KeyPopulations, [c.key_populations for c in all_counts]),  # type: ignore[arg-type]
        abnormal=add(Abnormal, [c.abnormal for c in all_counts]),  # type: ignore[arg-type]
        new_cases=add(NewCases, [c.new_cases for c in all_counts]),  # type: ignore[arg-type]
        tests_done=sum(c.tests_done for c in all_counts),
        disinfections=sum(c.disinfections for c in all_counts),
        vaccinated=sum(c.vaccinated for c in all_counts),
    )
