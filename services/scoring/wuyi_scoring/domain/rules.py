"""Campaign rules as pure functions: combining inspections, the notice window, delisting
thresholds, the nested-title share, and the quota report."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from wuyi_contracts.scoring import (
    Component,
    DelistingRules,
    InspectionRule,
    Phase,
    PhaseStep,
    Quotas,
)


def combine(rule: InspectionRule, totals: Sequence[float]) -> float:
    """The final score of one or more inspections (default: their mean)."""
    if not totals:
        raise ValueError("no inspection to combine")
    if rule == "min":
        return min(totals)
    if rule == "last":
        return totals[-1]
    return round(statistics.fmean(totals), 2)


def closed_phase(phases: Sequence[Phase], step: PhaseStep, today: date) -> Phase | None:
    """The phase whose deadline has passed for ``step`` (阶段已截止), if any."""
    return next((p for p in phases if p.step == step and today > p.deadline), None)


def notice_closes_on(opens_on: date, notice_days: int) -> date:
    """公示 N 天: objections are taken on ``opens_on`` and the N-1 days after it; the award may
    be made from the day after the window, ``opens_on + N``."""
    return opens_on + timedelta(days=notice_days)


def complaints_delist(rules: DelistingRules, verified_on: Iterable[date], today: date) -> bool:
    """Concentrated complaints (集中投诉): at least ``complaints_threshold`` verified complaints
    within the last ``complaints_window_days`` days."""
    since = today - timedelta(days=rules.complaints_window_days - 1)
    return sum(1 for day in verified_on if since <= day <= today) >= rules.complaints_threshold


def component_share_holds(component: Component, in_scope: int, titled: int) -> bool:
    """The township keeps its title while enough of its in-scope entities hold theirs. With
    nothing in scope there is nothing to hold it up: the rule needs at least one entity."""
    return in_scope > 0 and titled / in_scope >= component.min_share


@dataclass(frozen=True)
class QuotaShortfall:
    scope: str  # "township" or "county"
    scope_id: str
    kind: str | None
    required: int
    applied: int


def quota_report(
    quotas: Quotas,
    county_id: str,
    townships: Sequence[str],
    applied_by_township: Mapping[str, int],
    applied_by_kind: Mapping[str, int],
) -> list[QuotaShortfall]:
    """Who has not met the batch's minimum applications (申报指标)."""
    short = [
        QuotaShortfall("township", t, None, quotas.per_township, applied_by_township.get(t, 0))
        for t in townships
        if applied_by_township.get(t, 0) < quotas.per_township
    ]
    short += [
        QuotaShortfall("county", county_id, kind, n, applied_by_kind.get(kind, 0))
        for kind, n in sorted(quotas.per_county_by_kind.items())
        if applied_by_kind.get(kind, 0) < n
    ]
    return short
