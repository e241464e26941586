"""A grid's report of one day as the completeness projection holds it, folded from the report's
own stream: its ``missed``, ``submitted`` and ``corrected`` events in version order.

The write path answers a submission with it (issue #12: nothing on the request path waits for a
projection the answer does not need): the answer needs the report's own events only, which the
submission has just read and written, so it waits for no projection and takes no projection's
lock. ``CompletenessProjection.apply`` writes the same row one event at a time; the API tests
compare the two (``test_the_answer_to_a_submission_is_what_a_read_returns``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def report_row(events: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """The row of ``events`` (``(type, data)`` pairs of one report stream, oldest first)."""
    row: dict[str, Any] = {}
    for event_type, d in events:
        if not row:
            row = {
                "report_id": d["report_id"],
                "grid_id": d["grid_id"],
                "entity_id": d["entity_id"],
                "level": d["level"],
                "day": d["date"],
                "received": 0,
                "on_time": 0,
                "missed": 0,
                "zero": None,
                "counts": None,
                "rollup": None,
                "corrections": 0,
                "first_at": None,
                "last_at": None,
            }
        change = event_type.split(".")[4]
        content = {
            "zero": int(d.get("zero") or 0),
            "counts": json.dumps(d["counts"]) if d.get("counts") else None,
            "rollup": json.dumps(d["rollup"]) if d.get("rollup") else None,
            "last_at": d.get("submitted_at"),
        }
        if change == "missed":
            row["missed"] = 1
        elif change == "submitted":
            row |= content | {"received": 1, "on_time": int(d["on_time"])}
            row["first_at"] = d["submitted_at"]
        elif change == "corrected":
            row |= content
            row["corrections"] += 1
    return row
