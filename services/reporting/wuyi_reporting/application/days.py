"""Which grids are expected to report on a day: levels 2 and 3, registered before that day's
deadline and not closed by it."""

from __future__ import annotations

from datetime import date, datetime

from wuyi_core.db.port import Row

from wuyi_reporting.domain.settings import ReportingSettings


def expected_on(grids: list[Row], day: date, settings: ReportingSettings) -> list[Row]:
    expected = []
    for grid in grids:
        deadline = settings.deadline(int(grid["level"]), day)
        if deadline is None or datetime.fromisoformat(grid["registered_at"]) > deadline:
            continue
        closed = grid["closed_at"]
        if closed and datetime.fromisoformat(closed) <= deadline:
            continue
        expected.append(grid)
    return expected
