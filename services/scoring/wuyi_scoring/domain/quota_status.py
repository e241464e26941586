"""A township's standing against a batch's minimum applications (申报指标), as the township
sees it: what the quota asks, what counts toward it, and what is still being prepared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wuyi_scoring.domain.application import Status

# Opened but not yet submitted: the county's quota report does not count them either.
PREPARING = frozenset({Status.DRAFT, Status.SELF_ASSESSED})


@dataclass(frozen=True)
class TownshipQuota:
    required: int
    applied: int  # submitted (申报) in the batch, whatever became of the application since
    pending: int  # opened in the batch, not submitted yet
    missing: int
    met: bool


def township_quota(required: int, by_status: Mapping[str, int]) -> TownshipQuota:
    applied = sum(n for s, n in by_status.items() if s not in PREPARING)
    pending = sum(n for s, n in by_status.items() if s in PREPARING)
    missing = max(0, required - applied)
    return TownshipQuota(required, applied, pending, missing, missing == 0)
