"""When a failed delivery is tried again: exponential backoff with jitter, up to a horizon."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 10.0
    cap_seconds: float = 3600.0
    horizon_seconds: float = 86400.0  # after this long since the first attempt: dead letter

    def delay(self, failures: int, jitter: float | None = None) -> timedelta:
        """After ``failures`` failed attempts (1 for the first); jitter in [0.5, 1] spreads
        retries of many deliveries to one receiver so they do not arrive in step."""
        factor = random.uniform(0.5, 1.0) if jitter is None else jitter
        raw = min(self.cap_seconds, self.base_seconds * 2 ** min(failures - 1, 30))
        return timedelta(seconds=raw * factor)

    def gives_up(self, first_attempt: datetime, now: datetime) -> bool:
        return (now - first_attempt).total_seconds() >= self.horizon_seconds
