"""Subscription matching: CloudEvents types with ``*`` wildcards, and an entity scope."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

PATTERN = re.compile(r"[a-z0-9_.*]{1,200}")


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


def type_matches(pattern: str, event_type: str) -> bool:
    """``cn.wuyi.scoring.*`` matches every scoring type; ``*`` alone matches all."""
    return _compiled(pattern).fullmatch(event_type) is not None


def subscribed(
    patterns: Sequence[str], scope_id: str | None, event_type: str, lineage: Sequence[str]
) -> bool:
    """A subscription wants the event when a pattern matches its type and the event's entity
    lies under the subscription's scope (no scope: the whole tenant)."""
    if not any(type_matches(p, event_type) for p in patterns):
        return False
    return scope_id is None or scope_id in lineage
