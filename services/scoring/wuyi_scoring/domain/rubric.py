"""Scoring an assessment against a rubric: the total is computed here, never typed in.

Item scores arrive as ``{item_id: value}``: points (0..max) for a points item, ``true``/``false``
(or 1/0) for a pass/fail check. Every item must be scored, none may be unknown or above its
maximum; each breach is reported with the item it concerns, all at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuyi_contracts.rubric import RubricBody, RubricItem

ItemScores = dict[str, float | bool]


@dataclass(frozen=True)
class ScoreProblem:
    item_id: str
    rule: str  # unknown | missing | above_max | negative | not_pass_fail
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class Assessment:
    """A scored rubric: per-section points, the total, and which vetoes failed."""

    total: float
    sections: dict[str, float]
    vetoes_failed: tuple[str, ...]

    def reaches(self, mark: float) -> bool:
        return not self.vetoes_failed and self.total >= mark


class InvalidScores(ValueError):
    def __init__(self, problems: list[ScoreProblem]) -> None:
        super().__init__("; ".join(p.message_en for p in problems))
        self.problems = problems


def problems_with(rubric: RubricBody, scores: ItemScores) -> list[ScoreProblem]:
    known = {item.id: item for item in rubric.items()}
    problems = [
        ScoreProblem(i, "unknown", f"评分表中没有此项：{i}", f"{i}: no such item in the rubric")
        for i in scores
        if i not in known
    ]
    for item in known.values():
        if item.id not in scores:
            problems.append(
                ScoreProblem(
                    item.id, "missing", f"缺少此项评分：{item.name}", f"{item.id}: not scored"
                )
            )
        else:
            problems.extend(_value_problems(item, scores[item.id]))
    return problems


def _value_problems(item: RubricItem, value: float | bool) -> list[ScoreProblem]:
    if item.max_points is None:
        if isinstance(value, bool) or value in (0, 1):
            return []
        return [
            ScoreProblem(
                item.id,
                "not_pass_fail",
                f"{item.name} 为达标/不达标项，只能填 true/false",
                f"{item.id}: a pass/fail item takes true or false",
            )
        ]
    points = float(value)
    if points < 0:
        return [ScoreProblem(item.id, "negative", f"{item.name} 得分不能为负", f"{item.id}: < 0")]
    if points > item.max_points:
        return [
            ScoreProblem(
                item.id,
                "above_max",
                f"{item.name} 得分 {points:g} 超过满分 {item.max_points:g}",
                f"{item.id}: {points:g} is above the item's maximum of {item.max_points:g}",
            )
        ]
    return []


def assess(rubric: RubricBody, scores: ItemScores) -> Assessment:
    """Score ``scores`` by ``rubric``; raises ``InvalidScores`` naming every bad item."""
    problems = problems_with(rubric, scores)
    if problems:
        raise InvalidScores(problems)
    vetoes = tuple(item.id for item in rubric.items() if item.veto and not _holds(item, scores))
    if rubric.kind == "checklist":
        held = sum(1 for item in rubric.items() if _holds(item, scores))
        total = round(100.0 * held / len(rubric.items()), 2)
        sections = {
            s.id: float(sum(1 for item in s.items if _holds(item, scores))) for s in rubric.sections
        }
        return Assessment(total, sections, vetoes)
    sections = {
        s.id: round(sum(float(scores[item.id]) for item in s.items if item.max_points), 2)
        for s in rubric.sections
    }
    return Assessment(round(sum(sections.values()), 2), sections, vetoes)


def _holds(item: RubricItem, scores: ItemScores) -> bool:
    return item.max_points is not None or bool(scores[item.id])
