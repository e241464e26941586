"""A heat map cell: what one grid's report of one day was, and the order grids are listed in."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

Cell = Literal["on_time", "late", "pending", "missing", "none"]
NOT_RECEIVED = ("pending", "missing")


def cell_of(expected: bool, report: Mapping[str, Any] | None, before_deadline: bool) -> Cell:
    """``none``: no report was expected that day (not yet registered, or closed); ``pending``:
    not received yet, but its deadline has not passed (today before 17:00)."""
    if not expected:
        return "none"
    if report is None or not report["received"]:
        return "pending" if before_deadline else "missing"
    return "on_time" if report["on_time"] else "late"


def worst_first(
    grids: Sequence[Mapping[str, Any]], cells: Mapping[str, Sequence[Cell]]
) -> list[Mapping[str, Any]]:
    """Most missed days first, then most late days, then by name as a person counts (第2网格
    before 第10网格) and id: a stable page order."""
    return sorted(
        grids,
        key=lambda g: (
            -list(cells[g["id"]]).count("missing"),
            -list(cells[g["id"]]).count("late"),
            natural(g["name"]),
            g["id"],
        ),
    )


def natural(name: str) -> list[str | int]:
    """``第10网格`` -> ['第', 10, '网格']: strings at even places, numbers at odd ones."""
    return [int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", name))]
