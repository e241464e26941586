"""Anonymous objections (异议) under a flood: the rules that keep one from holding an award
hostage (issue #9: "300 anonymous objections in 7 s were all accepted and pending").

- Rate limits: at most ``PER_CLIENT`` objections an hour from one client (its address) and
  ``PER_APPLICATION`` an hour on one application, counted in fixed hourly windows; beyond, the
  caller is told how long to wait.
- Duplicates: the same text, once normalized (width, case, spaces and punctuation ignored), on
  the same application is one objection with a count, never a new pending one.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

PER_CLIENT = 5
PER_APPLICATION = 30
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Window:
    """The fixed window ``now`` falls in: its key and the seconds until the next opens."""

    key: str
    retry_after: int


def window(now: datetime, length: timedelta = WINDOW) -> Window:
    seconds = length.total_seconds()
    start = math.floor(now.timestamp() / seconds) * seconds
    return Window(
        key=str(int(start)), retry_after=max(1, math.ceil(start + seconds - now.timestamp()))
    )


def normalized(text: str) -> str:
    """What makes two objections the same: NFKC (full-width = half-width), case folded, with
    every space, punctuation mark and symbol dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "ZPSC")


def duplicate_of(text: str, filed: Iterable[tuple[str, str | None]]) -> str | None:
    """The id of the objection among ``filed`` (id, text) that ``text`` repeats, if any."""
    key = normalized(text)
    return next(
        (oid for oid, other in filed if other is not None and normalized(other) == key), None
    )


def client_key(tenant: str, address: str) -> str:
    """A client's counter key: a digest, so that no address is stored."""
    return "client:" + hashlib.sha256(f"{tenant}\x00{address}".encode()).hexdigest()[:32]


def application_key(application_id: str) -> str:
    return f"application:{application_id}"
