"""Scoring commands: the validated input of every write, used as HTTP bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from wuyi_contracts.registry import EntityKind
from wuyi_contracts.scoring import (
    Component,
    DelistingRules,
    InspectionKind,
    InspectionRule,
    Phase,
    Quotas,
    ReviewChain,
)
from wuyi_core.limits import PlausibleDate
from wuyi_core.text import visible_text

from wuyi_scoring.domain.presets import PRESETS, PresetName

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Short = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(visible_text),
]
Evidence = Annotated[
    list[Annotated[str, StringConstraints(min_length=1, max_length=500)]], Field(max_length=50)
]
Scores = Annotated[dict[str, float | bool], Field(max_length=500)]


class Command(BaseModel):
    # NaN and Infinity are no numbers a person means, and would be kept in a hash-chained event
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class LaunchCampaign(Command):
    title: Short
    doc_number: Short = Field(description="文号，如 建政发〔2022〕66号")
    issuer: Short = Field(description="发文单位")
    award_title: Short = Field(description="授予称号，如 无疫小区")
    entity_kinds: list[EntityKind] = Field(min_length=1)
    rubric_id: Short
    application_mark: float | None = Field(default=None, ge=0, le=1000)
    pass_mark: float | None = Field(default=None, ge=0, le=1000)
    cycle_days: int = Field(default=14, ge=1, le=90)
    notice_days: int = Field(default=7, ge=1, le=60)
    inspection_rule: InspectionRule = "mean"
    phases: list[Phase] = Field(default_factory=list, max_length=20)
    quotas: Quotas = Quotas()
    delisting: DelistingRules = DelistingRules()
    component: Component | None = None
    preset: PresetName | None = Field(
        default=None, description="评审流程预设：default, seed-000 … seed-003"
    )
    review_chain: ReviewChain | None = None

    @model_validator(mode="after")
    def _one_chain(self) -> LaunchCampaign:
        if self.preset is not None and self.review_chain is not None:
            raise ValueError("give either a preset or a review_chain, not both")
        return self

    @property
    def chain(self) -> ReviewChain:
        """The review chain named, or the default one."""
        return self.review_chain or PRESETS[self.preset or "default"]


class OpenBatch(Command):
    name: Short
    opens_on: PlausibleDate
    closes_on: PlausibleDate

    @model_validator(mode="after")
    def _closes_after_opening(self) -> OpenBatch:
        if self.closes_on < self.opens_on:
            raise ValueError("closes_on must not be before opens_on")
        return self


class OpenApplication(Command):
    campaign_id: Short
    batch_id: Short
    entity_id: Short


class SelfAssess(Command):
    scores: Scores


class Submit(Command):
    note: Text | None = None


class TownshipReview(Command):
    decision: Literal["approve", "reject"]
    note: Text | None = None

    @model_validator(mode="after")
    def _rejection_says_why(self) -> TownshipReview:
        if self.decision == "reject" and not self.note:
            raise ValueError("a rejection needs a note saying what to rectify")
        return self


class Recommend(Command):
    note: Text | None = None


class SendBack(Command):
    """Return the application for rework (退回整改), saying what to correct."""

    note: Text


class RecordRectification(Command):
    """What the entity rectified (整改) after a rejection or delisting, with evidence."""

    note: Text
    evidence: Evidence = Field(default_factory=list)


class RecordInspection(Command):
    kind: InspectionKind
    scores: Scores
    evidence: Evidence = Field(default_factory=list)


class Reject(Command):
    note: Text


DecisionRef = Annotated[Short, Field(description="会议纪要或文件编号 (collective decisions)")]


class OpenPublicNotice(Command):
    note: Text | None = None
    decision_ref: DecisionRef | None = None


class FileObjection(Command):
    text: Text
    contact: Short | None = None


class RuleObjection(Command):
    upheld: bool
    note: Text


class RuleObjections(Command):
    """One ruling on many objections (a flood): the ids, or every pending one."""

    objection_ids: list[Short] | None = Field(default=None, min_length=1, max_length=1000)
    all_pending: bool = False
    upheld: bool
    note: Text

    @model_validator(mode="after")
    def _one_selection(self) -> RuleObjections:
        if (self.objection_ids is None) == (not self.all_pending):
            raise ValueError("give objection_ids or all_pending: true, not both")
        return self


class Award(Command):
    note: Text | None = None
    decision_ref: DecisionRef | None = None


class RecordWithCounty(Command):
    """The county keeps a record (报县备案) of an award made below it."""

    record_ref: Short | None = None
    note: Text | None = None


class Delist(Command):
    reason: Literal["complaints", "spot_check", "fraud", "rectification_overdue"]
    note: Text
    campaign_id: Short | None = None


class SpotCheck(Command):
    scores: Scores
    evidence: Evidence = Field(default_factory=list)


class OrderRectification(Command):
    due_on: PlausibleDate | None = None
    note: Text


class CompleteRectification(Command):
    evidence: Evidence = Field(default_factory=list)
    note: Text | None = None
