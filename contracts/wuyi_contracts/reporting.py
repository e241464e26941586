"""Reporting events (报告服务事件): settings, daily grid reports, cases, complaints, eligibility.

Reports and cases carry counts and kinds, never names. Complaint texts and review notes are
citizen words that may name people: they stay in the private part of reporting's own store.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from wuyi_contracts.base import EventData

CaseKind = Literal["confirmed", "asymptomatic", "close_contact", "secondary_contact"]
Count = int
# No grid, entity or county counts more people or acts in a day; the bound also keeps every
# count inside a 64-bit integer column.
MAX_COUNT = 10_000_000


class _Counts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class KeyPopulations(_Counts):
    """重点人群 by category."""

    returnees: Count = Field(default=0, ge=0, le=MAX_COUNT, description="返乡/来自风险地区人员")
    close_contacts: Count = Field(default=0, ge=0, le=MAX_COUNT, description="密接")
    secondary_contacts: Count = Field(default=0, ge=0, le=MAX_COUNT, description="次密接")
    home_isolation: Count = Field(default=0, ge=0, le=MAX_COUNT, description="居家隔离")
    home_monitoring: Count = Field(default=0, ge=0, le=MAX_COUNT, description="居家健康监测")
    vulnerable: Count = Field(
        default=0, ge=0, le=MAX_COUNT, description="独居老人、孕妇、残疾人、慢性病患者"
    )


class Abnormal(_Counts):
    """New abnormal findings of the day (新增异常)."""

    fever: Count = Field(default=0, ge=0, le=MAX_COUNT, description="发热")
    abnormal_health_code: Count = Field(default=0, ge=0, le=MAX_COUNT, description="健康码异常")


class NewCases(_Counts):
    confirmed: Count = Field(default=0, ge=0, le=MAX_COUNT, description="新增确诊")
    asymptomatic: Count = Field(default=0, ge=0, le=MAX_COUNT, description="新增无症状感染者")
    close_contact: Count = Field(default=0, ge=0, le=MAX_COUNT, description="新增密接")
    secondary_contact: Count = Field(default=0, ge=0, le=MAX_COUNT, description="新增次密接")


class ReportCounts(_Counts):
    """What a grid counts in a day: numbers only, no person."""

    resident_population: Count = Field(default=0, ge=0, le=MAX_COUNT, description="常住人口")
    registered_population: Count = Field(default=0, ge=0, le=MAX_COUNT, description="户籍人口")
    key_populations: KeyPopulations = KeyPopulations()
    abnormal: Abnormal = Abnormal()
    new_cases: NewCases = NewCases()
    tests_done: Count = Field(default=0, ge=0, le=MAX_COUNT, description="核酸检测人次")
    disinfections: Count = Field(default=0, ge=0, le=MAX_COUNT, description="消杀次数")
    vaccinated: Count = Field(default=0, ge=0, le=MAX_COUNT, description="已接种人数")


class Rollup(BaseModel):
    """A level-2 grid's view of its level-3 children at submission time (汇总)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    expected: int
    received: int
    missing_grid_ids: list[str]
    totals: ReportCounts


class SettingsChanged(EventData):
    """A tenant's reporting settings: time zone and deadlines per grid level."""

    service: ClassVar[str] = "reporting"
    aggregate: ClassVar[str] = "settings"
    event: ClassVar[str] = "changed"
    timezone: str
    level3_deadline: str
    level2_deadline: str
    backfill_days: int
    cycle_days: int


class _ReportEvent(EventData):
    service: ClassVar[str] = "reporting"
    aggregate: ClassVar[str] = "grid_report"
    report_id: str
    grid_id: str
    entity_id: str
    level: int
    date: date
    deadline: datetime


class GridReportSubmitted(_ReportEvent):
    """The day's report of a grid (日报告); ``zero`` is an explicit nothing-abnormal (零报告)."""

    event: ClassVar[str] = "submitted"
    zero: bool
    counts: ReportCounts | None
    on_time: bool
    submitted_at: datetime
    rollup: Rollup | None = None


class GridReportCorrected(_ReportEvent):
    """A later report for the same grid and day; the day's timeliness stays the first one's."""

    event: ClassVar[str] = "corrected"
    zero: bool
    counts: ReportCounts | None
    submitted_at: datetime
    corrects_event_id: str
    rollup: Rollup | None = None


class GridReportMissed(_ReportEvent):
    """No report by the deadline: a recorded fact, once per grid and day. It names the parent
    grid, whose leader a miss is escalated to (seed 004: level 3 reports to level 2)."""

    event: ClassVar[str] = "missed"
    parent_grid_id: str | None = None


class _CaseEvent(EventData):
    service: ClassVar[str] = "reporting"
    aggregate: ClassVar[str] = "case"
    case_id: str
    entity_id: str


class CaseReported(_CaseEvent):
    """A case (病例) or contact in an entity: the trigger of eligibility loss and delisting."""

    event: ClassVar[str] = "reported"
    kind: CaseKind
    date: date
    count: int = Field(default=1, ge=1, le=MAX_COUNT)
    grid_id: str | None = None  # the grid it was reported from, by the grid's own member


class CaseLifted(_CaseEvent):
    """The outbreak is declared over (疫情解除)."""

    event: ClassVar[str] = "lifted"
    lifted_on: date


class _ComplaintEvent(EventData):
    service: ClassVar[str] = "reporting"
    aggregate: ClassVar[str] = "complaint"
    complaint_id: str
    entity_id: str


class ComplaintRegistered(_ComplaintEvent):
    """A citizen complaint (投诉 / 12345诉求); its text stays private."""

    event: ClassVar[str] = "registered"
    source: str


class ComplaintVerified(_ComplaintEvent):
    """The township found the complaint true (核实属实)."""

    event: ClassVar[str] = "verified"


class ComplaintDismissed(_ComplaintEvent):
    """The township found the complaint untrue (不属实)."""

    event: ClassVar[str] = "dismissed"


class _EligibilityEvent(EventData):
    service: ClassVar[str] = "reporting"
    aggregate: ClassVar[str] = "eligibility"
    entity_id: str
    as_of: date
    cycle_days: int
    clean_days: int | None
    failed_rules: list[str]


class EligibilityGained(_EligibilityEvent):
    """Every hard precondition now holds (14-day rule, history rule, reporting rule)."""

    event: ClassVar[str] = "gained"


class EligibilityLost(_EligibilityEvent):
    """A hard precondition failed; ``failed_rules`` names which."""

    event: ClassVar[str] = "lost"


EVENTS: tuple[type[EventData], ...] = (
    SettingsChanged,
    GridReportSubmitted,
    GridReportCorrected,
    GridReportMissed,
    CaseReported,
    CaseLifted,
    ComplaintRegistered,
    ComplaintVerified,
    ComplaintDismissed,
    EligibilityGained,
    EligibilityLost,
)
