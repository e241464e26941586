"""A campaign's progress over time: how many applications stood in each status at the end of
each day, from the dated status changes of each application (its events)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from wuyi_scoring.domain.application import STATUS_AFTER, Status


def status_after(event_name: str, current: Status | None) -> Status | None:
    """The status an application is left in by an event (``opened``: a draft)."""
    if event_name == "opened":
        return Status.DRAFT
    return STATUS_AFTER.get(event_name, current)


def statuses_by_day(
    histories: Iterable[Sequence[tuple[date, str]]], first: date, last: date
) -> list[tuple[date, Counter[str]]]:
    """For each day ``first``..``last``, the count of applications per status at its end;
    ``histories`` holds each application's (day, event name) pairs, oldest first."""
    changes: list[list[tuple[date, Status]]] = []
    for events in histories:
        status: Status | None = None
        steps = []
        for day, name in events:
            after = status_after(name, status)
            if after is not None and after != status:
                steps.append((day, after))
            status = after
        changes.append(steps)
    result = []
    day = first
    while day <= last:
        counts: Counter[str] = Counter()
        for steps in changes:
            current = None
            for when, status in steps:
                if when > day:
                    break
                current = status
            if current is not None:
                counts[current.value] += 1
        result.append((day, counts))
        day += timedelta(days=1)
    return result
