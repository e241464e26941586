"""Tamper evidence: recompute every stream's hash chain from the stored events."""

from __future__ import annotations

from dataclasses import dataclass

from wuyi_core.eventstore.records import GENESIS_HASH, StoredEvent
from wuyi_core.eventstore.store import EventStore


@dataclass(frozen=True)
class Broken:
    """The first event whose stored hash or link does not match its content."""

    position: int
    stream_id: str
    stream_version: int
    event_id: str
    reason: str


@dataclass(frozen=True)
class VerifyReport:
    events: int
    streams: int
    broken: Broken | None

    @property
    def ok(self) -> bool:
        return self.broken is None


async def verify_chains(store: EventStore, batch: int = 2000) -> VerifyReport:
    heads: dict[str, tuple[int, str]] = {}
    count, position = 0, 0
    while events := await store.read_all(after=position, limit=batch):
        for event in events:
            broken = _check(event, heads.get(event.stream_id, (0, GENESIS_HASH)))
            if broken:
                return VerifyReport(count, len(heads), broken)
            heads[event.stream_id] = (event.stream_version, event.hash)
            count += 1
        position = events[-1].position
    return VerifyReport(count, len(heads), None)


def _check(event: StoredEvent, head: tuple[int, str]) -> Broken | None:
    version, prev_hash = head
    reason = None
    if event.stream_version != version + 1:
        reason = f"version {event.stream_version} follows {version}"
    elif event.prev_hash != prev_hash:
        reason = "link to the previous event's hash is broken"
    elif event.content_hash() != event.hash:
        reason = "content does not match its hash (altered)"
    if reason is None:
        return None
    return Broken(event.position, event.stream_id, event.stream_version, event.event_id, reason)
