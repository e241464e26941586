"""Eligibility: the hard preconditions checked before any rubric (DOMAIN.md "Eligibility").

- 14-day rule (seed 001 篇二、篇三): no confirmed case, asymptomatic infection, close contact or
  secondary contact in the entity (or under it) for ``cycle_days`` consecutive days.
- History rule (seeds 000, 003, 篇六): never an outbreak, or every outbreak lifted (疫情已解除).
- Reporting rule: every grid of the entity reported every day of the window (zero reports count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

OUTBREAK_KINDS = frozenset({"confirmed", "asymptomatic"})


@dataclass(frozen=True)
class CaseFact:
    kind: str
    day: date
    lifted_on: date | None = None


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    clean_days: int | None  # None: no case on record
    rules: tuple[RuleResult, ...]

    @property
    def failed_rules(self) -> list[str]:
        return [r.rule for r in self.rules if not r.passed]


def clean_days(cases: list[CaseFact], as_of: date) -> int | None:
    """Days since the most recent case of any kind, or None when there never was one."""
    dates = [c.day for c in cases if c.day <= as_of]
    return (as_of - max(dates)).days if dates else None


def fourteen_day_rule(cases: list[CaseFact], as_of: date, cycle_days: int) -> RuleResult:
    days = clean_days(cases, as_of)
    if days is None or days >= cycle_days:
        shown = "无病例记录" if days is None else f"已连续 {days} 天无病例"
        return RuleResult(
            "cycle",
            True,
            f"{shown}（要求 {cycle_days} 天）",
            f"clean for {days if days is not None else 'all'} days (needs {cycle_days})",
        )
    return RuleResult(
        "cycle",
        False,
        f"最近病例距今 {days} 天，不足 {cycle_days} 天",
        f"last case {days} days ago, fewer than {cycle_days}",
    )


def history_rule(cases: list[CaseFact], as_of: date) -> RuleResult:
    open_outbreaks = [
        c
        for c in cases
        if c.kind in OUTBREAK_KINDS
        and c.day <= as_of
        and (c.lifted_on is None or c.lifted_on > as_of)
    ]
    if not open_outbreaks:
        return RuleResult(
            "history", True, "无疫情或疫情均已解除", "no outbreak, or every outbreak lifted"
        )
    return RuleResult(
        "history",
        False,
        f"有 {len(open_outbreaks)} 起疫情尚未解除",
        f"{len(open_outbreaks)} outbreak(s) not lifted",
    )


def reporting_rule(days: dict[date, tuple[int, int]], grids: int) -> RuleResult:
    """``days``: for each day of the window, (expected reports, received reports)."""
    if grids == 0:
        return RuleResult(
            "reporting",
            False,
            "尚未登记网格，无法核验日报告",
            "no grids registered, reports cannot be checked",
        )
    before = sorted(d for d, (expected, _) in days.items() if expected == 0)
    if before:
        return RuleResult(
            "reporting",
            False,
            f"{len(before)} 天尚无网格报告（网格建立晚于 {before[0]}），需报满整个周期",
            f"no grid was reporting on {len(before)} day(s) of the window (from {before[0]}); "
            "the whole cycle must be reported",
        )
    short = sorted(d for d, (expected, received) in days.items() if received < expected)
    if short:
        return RuleResult(
            "reporting",
            False,
            f"{len(short)} 天有网格未报告（最早 {short[0]}）",
            f"grids missed reports on {len(short)} day(s), first {short[0]}",
        )
    return RuleResult(
        "reporting",
        True,
        "窗口期内每个网格每天均已报告",
        "every grid reported every day of the window",
    )


def evaluate(
    cases: list[CaseFact],
    report_days: dict[date, tuple[int, int]],
    grids: int,
    as_of: date,
    cycle_days: int,
) -> Eligibility:
    rules = (
        fourteen_day_rule(cases, as_of, cycle_days),
        history_rule(cases, as_of),
        reporting_rule(report_days, grids),
    )
    return Eligibility(all(r.passed for r in rules), clean_days(cases, as_of), rules)


def window(as_of: date, cycle_days: int) -> list[date]:
    """The days whose reports the reporting rule checks: the cycle ending yesterday."""
    return [as_of - timedelta(days=n) for n in range(cycle_days, 0, -1)]
