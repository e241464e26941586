"""Scoring events (评比服务事件): rubrics, campaigns, applications, titles and their loss.

Notes, objection texts and who filed an objection are free text that may name people: they stay
in the private part of scoring's stored events and never reach the topic. Reasons are codes.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from wuyi_contracts.base import EventData
from wuyi_contracts.registry import EntityKind
from wuyi_contracts.reporting import CaseKind
from wuyi_contracts.rubric import RubricBody

InspectionKind = Literal["open", "unannounced"]  # 明查 / 暗访
InspectionRule = Literal["mean", "min", "last"]
DelistReason = Literal[
    "case", "complaints", "rectification_overdue", "spot_check", "fraud", "component_share"
]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


PhaseStep = Literal["self_assessment", "submission", "township_review", "county_evaluation"]


class Phase(_Value):
    """A phase of the campaign with its deadline (e.g. 自评自查 by 10-31). A phase that names a
    ``step`` closes that step of the lifecycle after its deadline (the tenant's calendar day)."""

    name: str = Field(min_length=1, max_length=100)
    deadline: date
    step: PhaseStep | None = None


class Quotas(_Value):
    """Minimum applications per batch (申报指标)."""

    per_township: int = Field(default=0, ge=0, le=1000)
    per_county_by_kind: dict[EntityKind, int] = Field(default_factory=dict)


_CONFIRMED: list[CaseKind] = ["confirmed"]


class DelistingRules(_Value):
    """When a title falls: a case of one of ``case_kinds`` (seed 001 篇二: 原达标小区新增确诊病例,
    立即摘牌 — confirmed cases by default; contacts count for reporting's 14-day rule, not
    here), verified complaints in a window, or a rectification order left undone past its
    deadline."""

    case_kinds: list[CaseKind] = Field(default_factory=lambda: _CONFIRMED[:], min_length=1)
    complaints_threshold: int = Field(default=3, ge=1, le=1000)
    complaints_window_days: int = Field(default=30, ge=1, le=365)
    rectification_days: int = Field(default=15, ge=1, le=365)


class Component(_Value):
    """A nested campaign's rule: the township holds its title only while at least ``min_share``
    of its in-scope entities hold the title of ``campaign_id`` (从创建无疫小区，实现无疫乡镇)."""

    campaign_id: str
    min_share: float = Field(default=1.0, gt=0, le=1)


ReviewAct = Literal["review", "recommend", "inspect"]  # 初审 / 推荐 / 考核验收·评定 (scored)
ReviewLevel = Literal["township", "county", "unit"]


class Stage(_Value):
    """One step of a campaign's review chain. ``act``: approve or reject (review), pass on
    (recommend), or score inspections against the rubric (inspect). ``level``: who acts —
    ``township``: a township reviewer above the applicant (a township's own application goes
    to the county's evaluators); ``county``: a county evaluator; ``unit``: the body above the
    applicant in its own organisation (seed 002: the bureau's leading group over its sections),
    a reviewer or entity admin scoped above it, never the applicant itself. ``accepts``: this
    stage decides (验收 / 评定); it is the last, and scored."""

    key: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=60)
    act: ReviewAct
    level: ReviewLevel
    accepts: bool = False


class ReviewChain(_Value):
    """Who reviews and who accepts (验收), whether a public notice (公示, ``notice_days`` of
    the campaign) is held, whether the county keeps a record (报县备案) of each award, and
    whether the deciding act is collective (研究后确定: the deciding command then carries the
    meeting or document reference, ``decision_ref``). The seeds disagree, so each campaign
    states its own."""

    preset: str | None = Field(default=None, max_length=40)
    stages: list[Stage] = Field(min_length=1, max_length=6)
    public_notice: bool = True
    county_record: bool = False
    collective: bool = False

    @model_validator(mode="after")
    def _one_accepting_scored_stage_last(self) -> ReviewChain:
        keys = [s.key for s in self.stages]
        if len(set(keys)) != len(keys):
            raise ValueError("stage keys must be distinct")
        if [s.accepts for s in self.stages] != [False] * (len(keys) - 1) + [True]:
            raise ValueError("exactly one stage accepts, and it is the last")
        if self.stages[-1].act != "inspect" or any(s.act == "inspect" for s in self.stages[:-1]):
            raise ValueError("the accepting stage, and only it, inspects (scores)")
        return self


DEFAULT_CHAIN = ReviewChain(
    preset="default",
    stages=[
        Stage(key="township_review", name="乡镇初审", act="review", level="township"),
        Stage(key="recommendation", name="乡镇推荐", act="recommend", level="township"),
        Stage(
            key="county_evaluation", name="县级评定", act="inspect", level="county", accepts=True
        ),
    ],
)


class RubricPublished(EventData):
    """A rubric version: immutable once published; a change is the next version."""

    service: ClassVar[str] = "scoring"
    aggregate: ClassVar[str] = "rubric"
    event: ClassVar[str] = "published"
    rubric_id: str
    rubric_version: int = Field(ge=1)
    body: RubricBody


class CampaignLaunched(EventData):
    """A creation campaign (创建活动) and its rules, fixed for its lifetime."""

    service: ClassVar[str] = "scoring"
    aggregate: ClassVar[str] = "campaign"
    event: ClassVar[str] = "launched"
    campaign_id: str
    title: str
    doc_number: str
    issuer: str
    award_title: str
    entity_kinds: list[EntityKind]
    rubric_id: str
    rubric_version: int
    application_mark: float
    pass_mark: float
    cycle_days: int
    notice_days: int
    inspection_rule: InspectionRule
    phases: list[Phase]
    quotas: Quotas
    delisting: DelistingRules
    component: Component | None = None
    review_chain: ReviewChain = DEFAULT_CHAIN


class BatchOpened(EventData):
    """A batch (批次) of the campaign: applications are accepted until ``closes_on``."""

    service: ClassVar[str] = "scoring"
    aggregate: ClassVar[str] = "campaign"
    event: ClassVar[str] = "batch_opened"
    campaign_id: str
    batch_id: str
    name: str
    opens_on: date
    closes_on: date


class _ApplicationEvent(EventData):
    service: ClassVar[str] = "scoring"
    aggregate: ClassVar[str] = "application"
    application_id: str


class ApplicationOpened(_ApplicationEvent):
    """An entity's application (申报) in one batch, in draft."""

    event: ClassVar[str] = "opened"
    campaign_id: str
    batch_id: str
    entity_id: str
    entity_name: str
    entity_kind: EntityKind
    township_id: str | None


class SelfAssessed(_ApplicationEvent):
    """The entity scored itself (自评); the total is computed from the item scores."""

    event: ClassVar[str] = "self_assessed"
    scores: dict[str, float]
    total: float
    vetoes_failed: list[str]


class ApplicationSubmitted(_ApplicationEvent):
    """Submitted to the township, with the self-assessment total and eligibility it rests on."""

    event: ClassVar[str] = "submitted"
    self_total: float
    eligible_as_of: date


class TownshipApproved(_ApplicationEvent):
    """The township's review (初审) passed."""

    event: ClassVar[str] = "township_approved"


class ApplicationRecommended(_ApplicationEvent):
    """The township recommended (推荐) the application to the county."""

    event: ClassVar[str] = "recommended"


class InspectionRecorded(_ApplicationEvent):
    """A county inspection (明查 / 暗访): one inspector's item scores and evidence references;
    ``final_score`` is the campaign's combination of every inspection so far."""

    event: ClassVar[str] = "inspection_recorded"
    inspection_id: str
    kind: InspectionKind
    scores: dict[str, float]
    total: float
    vetoes_failed: list[str]
    evidence: list[str]
    final_score: float


class PublicNoticeOpened(_ApplicationEvent):
    """Public notice (公示): objections are accepted until ``closes_on`` (exclusive).
    ``decision_ref``: the meeting or document of a collective decision (研究后确定)."""

    event: ClassVar[str] = "public_notice_opened"
    opens_on: date
    closes_on: date
    final_score: float
    decision_ref: str | None = None


class ObjectionFiled(_ApplicationEvent):
    """A member of the public objected (异议); the text and contact stay private."""

    event: ClassVar[str] = "objection_filed"
    objection_id: str


class ObjectionRepeated(_ApplicationEvent):
    """The same objection again (the same text, once normalized): counted on the objection
    first filed, never a new pending one; the text and contact stay private."""

    event: ClassVar[str] = "objection_repeated"
    objection_id: str


class ObjectionRuled(_ApplicationEvent):
    """The county ruled on an objection; upheld means the application is rejected."""

    event: ClassVar[str] = "objection_ruled"
    objection_id: str
    upheld: bool


class ApplicationRejected(_ApplicationEvent):
    """Rejected at ``stage`` (a stage key of the campaign's review chain, or ``public_notice``);
    the entity rectifies (整改), records it, and may apply in a later batch."""

    event: ClassVar[str] = "rejected"
    stage: str


class ApplicationSentBack(_ApplicationEvent):
    """A reviewer sent the application back for rework (退回整改) at ``stage`` (a stage of the
    campaign's review chain); the applicant corrects it, assesses itself again and resubmits
    in the same batch. Unlike a rejection, the application goes on. The note saying what to
    correct stays private."""

    event: ClassVar[str] = "sent_back"
    stage: str


class ApplicationRectified(_ApplicationEvent):
    """The entity recorded its rectification (整改) after a rejection or delisting, with
    evidence references. It may then apply again, from the next batch on (seed 003:
    验收未通过的,加强整改,在下批次复验). What was rectified stays in the private note."""

    event: ClassVar[str] = "rectified"
    evidence: list[str]


class TitleAwarded(_ApplicationEvent):
    """The title is granted (授牌): the honor list's source. ``decision_ref``: the meeting or
    document of a collective decision, where the award is the deciding act."""

    event: ClassVar[str] = "awarded"
    campaign_id: str
    batch_id: str
    entity_id: str
    entity_name: str
    award_title: str
    rubric_id: str
    rubric_version: int
    score: float
    awarded_on: date
    decision_ref: str | None = None


class AwardRecordedWithCounty(_ApplicationEvent):
    """The county keeps a record (报县进行备案, seed 003) of an award made below it."""

    event: ClassVar[str] = "county_recorded"
    record_ref: str | None


class SpotCheckRecorded(_ApplicationEvent):
    """A county spot check (抽查) of a titled entity; failing it delists."""

    event: ClassVar[str] = "spot_check_recorded"
    inspection_id: str
    scores: dict[str, float]
    total: float
    vetoes_failed: list[str]
    evidence: list[str]
    passed: bool


class RectificationOrdered(_ApplicationEvent):
    """A titled entity must fix a problem (限期整改) by ``due_on``, or lose the title."""

    event: ClassVar[str] = "rectification_ordered"
    order_id: str
    due_on: date


class RectificationCompleted(_ApplicationEvent):
    """The entity reported the order done (整改完成), with evidence references."""

    event: ClassVar[str] = "rectification_completed"
    order_id: str
    evidence: list[str]


class TitleDelisted(_ApplicationEvent):
    """The title is removed (摘牌). ``cause_event_id`` names the event that caused it (a
    reporting case, the last verified complaint, a component's delisting), if any."""

    event: ClassVar[str] = "delisted"
    campaign_id: str
    entity_id: str
    entity_name: str
    reason: DelistReason
    cause_event_id: str | None
    cause_type: str | None
    delisted_on: date
    fraud: bool = False


EVENTS: tuple[type[EventData], ...] = (
    RubricPublished,
    CampaignLaunched,
    BatchOpened,
    ApplicationOpened,
    SelfAssessed,
    ApplicationSubmitted,
    TownshipApproved,
    ApplicationRecommended,
    InspectionRecorded,
    PublicNoticeOpened,
    ObjectionFiled,
    ObjectionRepeated,
    ObjectionRuled,
    ApplicationRejected,
    ApplicationSentBack,
    ApplicationRectified,
    TitleAwarded,
    AwardRecordedWithCounty,
    SpotCheckRecorded,
    RectificationOrdered,
    RectificationCompleted,
    TitleDelisted,
)
