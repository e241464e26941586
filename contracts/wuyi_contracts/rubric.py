"""The shape of a scoring rubric (评分标准 / 自评表), shared by scoring's events and API.

A rubric has sections (一级指标) of items (评分细则). An item either carries points (``max_points``)
or is a pass/fail check (``max_points`` is None). A veto item (一票否决) fails the whole
assessment when it does not hold, whatever the points. A *points* rubric totals the points of its
items; a *checklist* rubric (the seeds give no points) totals the share of items that hold, on a
scale of 100, so marks read the same way for both.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ItemId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class RubricItem(_Frozen):
    """One scored line: ``max_points`` for a points item, None for a pass/fail check."""

    id: ItemId
    name: Name
    max_points: float | None = Field(default=None, gt=0, le=1000)
    veto: bool = False
    description: str | None = Field(default=None, max_length=2000)


class RubricSection(_Frozen):
    """A section (一级指标) with its points (the sum of its items') and items."""

    id: ItemId
    name: Name
    items: list[RubricItem] = Field(min_length=1, max_length=200)


class RubricBody(_Frozen):
    """Everything a rubric says, without its identity (id, version)."""

    code: ItemId
    name: Name
    kind: Literal["points", "checklist"]
    sections: list[RubricSection] = Field(min_length=1, max_length=50)
    application_mark: float = Field(ge=0, le=1000, description="自评达到此分方可申报")
    pass_mark: float = Field(ge=0, le=1000, description="县级评定达到此分方可授牌")
    cycle_days: int | None = Field(default=None, ge=1, le=90)
    source: str | None = Field(default=None, max_length=500, description="出处：文件名与文号")

    @model_validator(mode="after")
    def _items_fit_the_kind(self) -> RubricBody:
        ids = [item.id for section in self.sections for item in section.items]
        if len(ids) != len(set(ids)):
            raise ValueError("item ids must be unique within a rubric")
        for section in self.sections:
            for item in section.items:
                if self.kind == "checklist" and item.max_points is not None:
                    raise ValueError(f"checklist item {item.id} cannot carry points")
                if item.veto and item.max_points is not None:
                    raise ValueError(f"veto item {item.id} is pass/fail and carries no points")
                if self.kind == "points" and item.max_points is None and not item.veto:
                    raise ValueError(f"points item {item.id} needs max_points or veto")
        if self.application_mark > self.max_total or self.pass_mark > self.max_total:
            raise ValueError(f"marks cannot exceed the rubric's total of {self.max_total:g}")
        return self

    @property
    def max_total(self) -> float:
        if self.kind == "checklist":
            return 100.0
        return sum(item.max_points or 0 for section in self.sections for item in section.items)

    def items(self) -> list[RubricItem]:
        return [item for section in self.sections for item in section.items]
