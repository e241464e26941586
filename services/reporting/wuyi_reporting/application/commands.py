"""Reporting commands: the validated input of every write, used as HTTP bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from wuyi_contracts.reporting import CaseKind, ReportCounts
from wuyi_core.limits import PlausibleDate

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Command(BaseModel):
    # NaN and Infinity are no numbers a person means, and would be kept in a hash-chained event
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ChangeSettings(Command):
    timezone: str = "Asia/Shanghai"
    level3_deadline: str = "17:00"
    level2_deadline: str = "18:00"
    backfill_days: int = Field(default=7, ge=0, le=60)
    cycle_days: int = Field(default=14, ge=1, le=90)


class SubmitGridReport(Command):
    grid_id: str
    date: PlausibleDate
    zero: bool
    counts: ReportCounts | None = None


class ReportCase(Command):
    entity_id: str
    kind: CaseKind
    date: PlausibleDate
    count: int = Field(default=1, ge=1, le=100000)
    grid_id: str | None = Field(
        default=None, description="the grid reporting it: a grid member reports within its grid"
    )


class LiftCase(Command):
    note: Text | None = None


class RegisterComplaint(Command):
    entity_id: str
    summary: Text
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class VerifyComplaint(Command):
    verified: bool
    note: Text
