"""Sign-in throttling: after ``MAX_FAILURES`` wrong passwords within ``WINDOW`` for one account,
or ``MAX_CLIENT_FAILURES`` from one client address (higher: a township office signs in from
behind one address), further attempts are refused until the oldest failure in the window ages
out. Refused attempts do not check the password, so guessing gains nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

MAX_FAILURES = 5
MAX_CLIENT_FAILURES = 30
WINDOW = timedelta(minutes=15)


def retry_after(
    failures: Sequence[datetime], now: datetime, limit: int = MAX_FAILURES
) -> int | None:
    """Seconds until the next attempt is allowed, or None when it is allowed now."""
    recent = sorted(f for f in failures if f > now - WINDOW)
    if len(recent) < limit:
        return None
    free_at = recent[-limit] + WINDOW
    return max(1, int((free_at - now).total_seconds()) + 1)
