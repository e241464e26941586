"""What the applicant's side may see of the county's inspections (明查 / 暗访).

An unannounced visit (暗访) works only if the visited do not learn of it while the county still
evaluates them, and the inspectors are not exposed to those they judged. So the applicant's side
(its own admin, anyone scoped to the applicant or to an entity between it and the township)
sees no inspection and no running score before the result, and afterwards each inspection's kind
and item scores (what to rectify), never who inspected nor the evidence. The review chain above
the applicant (township reviewers, county evaluators and admins) sees everything.
"""

from __future__ import annotations

from typing import Any

from wuyi_scoring.domain.application import Status

RESULT = frozenset({Status.IN_PUBLIC_NOTICE, Status.AWARDED, Status.REJECTED, Status.DELISTED})
INSPECTIONS = ("inspection_recorded", "spot_check_recorded")


def result_known(status: str) -> bool:
    """The county's evaluation has ended (public notice, award, rejection or delisting)."""
    return Status(status) in RESULT


def application_for_applicant(view: dict[str, Any]) -> dict[str, Any]:
    """An application view as its applicant's side may see it (same shape, less in it)."""
    if not result_known(view["status"]):
        return {**view, "inspections": [], "final_score": None}
    anonymous = [{**i, "inspector": None, "evidence": []} for i in view["inspections"]]
    return {**view, "inspections": anonymous}


def audit_entry_for_applicant(entry: dict[str, Any], status: str) -> dict[str, Any] | None:
    """An audit entry as the applicant's side may see it; ``None`` hides it. ``status`` is
    that of the application the entry belongs to."""
    change = entry["type"].split(".")[4] if entry["source"] == "scoring" else ""
    if change not in INSPECTIONS:
        return entry
    if not result_known(status):
        return None
    data = {**entry["data"], "evidence": []}
    return {**entry, "actor": None, "evidence": [], "data": data}
