"""A tenant's reporting settings and the deadline arithmetic (seed 004, seed 001 篇二).

Level-3 grids report to their level-2 grid by 17:00, level-2 grids (with the roll-up) to the
township by 18:00, per calendar day in the tenant's time zone. Level-1 grids receive; they have
no deadline of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wuyi_core.errors import InvalidInput

REPORTING_LEVELS = (3, 2)
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class ReportingSettings:
    timezone: str = "Asia/Shanghai"
    level3_deadline: str = "17:00"
    level2_deadline: str = "18:00"
    backfill_days: int = 7
    cycle_days: int = 14

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(
                f"未知时区：{self.timezone}", f"unknown time zone {self.timezone}", "timezone"
            ) from None
        for field in ("level3_deadline", "level2_deadline"):
            if not _HHMM.match(getattr(self, field)):
                raise InvalidInput("截止时间格式应为 HH:MM", f"{field} must be HH:MM", field)
        if self.level3_deadline > self.level2_deadline:
            raise InvalidInput(
                "三级网格截止时间不能晚于二级网格",
                "level 3 must report no later than level 2",
                "level3_deadline",
            )
        if not 0 <= self.backfill_days <= 60:
            raise InvalidInput(
                "补报天数应在 0-60 之间", "backfill_days must be 0-60", "backfill_days"
            )
        if not 1 <= self.cycle_days <= 90:
            raise InvalidInput("周期天数应在 1-90 之间", "cycle_days must be 1-90", "cycle_days")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def deadline(self, level: int, day: date) -> datetime | None:
        """The moment a grid of ``level`` must have reported for ``day``; None for level 1."""
        text = {3: self.level3_deadline, 2: self.level2_deadline}.get(level)
        if text is None:
            return None
        hours, minutes = map(int, text.split(":"))
        return datetime.combine(day, time(hours, minutes), self.zone)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def on_time(self, level: int, day: date, submitted_at: datetime) -> bool:
        deadline = self.deadline(level, day)
        return deadline is None or submitted_at <= deadline

    def check_report_date(self, day: date, now: datetime) -> None:
        """Future days are refused; past days only within the backfill window (补报)."""
        today = self.local_date(now)
        if day > today:
            raise InvalidInput("不能提交未来日期的报告", f"{day} is in the future", "date")
        if day < today - timedelta(days=self.backfill_days):
            raise InvalidInput(
                f"只能补报最近 {self.backfill_days} 天的报告",
                f"only the last {self.backfill_days} days can be reported late",
                "date",
            )
