"""When the "report due in N minutes" reminder (日报即将截止提醒) is due: from N minutes before a
grid level's deadline until the deadline, on the tenant's local calendar day. After the
deadline the reminder is moot: reporting records the miss and the grid leader is told of that
instead, so a worker that comes back after the deadline sends no late "due soon"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_MINUTES = 720  # twelve hours: the reminder stays on the report's own day


@dataclass(frozen=True)
class DueWindow:
    level: int
    day: date
    deadline: datetime  # aware, in the tenant's zone


def due_windows(
    now: datetime, zone: str, deadlines: dict[int, str], minutes: int
) -> list[DueWindow]:
    """The grid levels whose reminder window holds ``now``; none when ``minutes`` is 0 (off)."""
    if minutes <= 0:
        return []
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    windows = []
    for level, text in sorted(deadlines.items(), reverse=True):
        hours, mins = map(int, text.split(":"))
        deadline = datetime.combine(today, time(hours, mins), tz)
        if deadline - timedelta(minutes=minutes) <= now < deadline:
            windows.append(DueWindow(level, today, deadline))
    return windows
