"""Tamper evidence: recompute every stream's chain and the log's signed head.

``verify_chains`` reads the log in position order and stops at the first event that does not
hold, naming its position. It catches:

- an edited event or a re-hashed stream: each hash is an HMAC under a key the database does not
  hold (records.py), so neither plain SHA-256 nor a wrong key reproduces it; an unkeyed
  (legacy) hash is accepted only up to ``legacy_until`` of the signed checkpoint;
- a moved, inserted or deleted event inside the log: positions are dense from 1, and each
  keyed hash covers its position, its stream version and its predecessor's hash;
- a deleted tail: the signed checkpoint (checkpoints.py) names a position the log must reach
  and a digest of every hash up to it.

What this cannot see: events appended after the last checkpoint and then deleted, and anything
done by someone who holds the audit key (docs/security.md, "Tamper evidence and key handling").
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from wuyi_core.eventstore.checkpoints import Checkpoint, roll
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.eventstore.records import GENESIS_HASH, StoredEvent
from wuyi_core.eventstore.store import EventStore


@dataclass(frozen=True)
class Broken:
    """The first position at which the log does not hold; ``stream_id`` is "" when the event
    at that position is missing."""

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
    checkpoint: int | None = None  # the position the signed checkpoint vouches for
    legacy: int = 0  # events verified as legacy (unkeyed, up to the checkpoint's legacy_until)

    @property
    def ok(self) -> bool:
        return self.broken is None


class ChainVerifier:
    """Folds the log's events, in position order, against a keyring and a checkpoint."""

    def __init__(self, keyring: Keyring, checkpoint: Checkpoint | None = None) -> None:
        self.keyring = keyring
        self.checkpoint = checkpoint
        self.heads: dict[str, tuple[int, str]] = {}
        self.position = 0
        self.digest = GENESIS_HASH
        self.legacy = 0

    @property
    def legacy_until(self) -> int:
        return self.checkpoint.legacy_until if self.checkpoint else 0

    def start(self) -> Broken | None:
        if self.checkpoint is not None and not self.checkpoint.valid(self.keyring):
            return _missing(
                self.checkpoint.position, "the checkpoint's signature does not verify (forged)"
            )
        return None

    def feed(self, event: StoredEvent) -> Broken | None:
        if event.position > self.position + 1:
            return _missing(self.position + 1, "missing: positions are dense (deleted)")
        reason = self._fault(event)
        if reason is not None:
            return Broken(
                event.position, event.stream_id, event.stream_version, event.event_id, reason
            )
        self.heads[event.stream_id] = (event.stream_version, event.hash)
        self.position, self.digest = event.position, roll(self.digest, event.hash)
        self.legacy += event.legacy
        cp = self.checkpoint
        if cp is not None and cp.position == event.position and cp.digest != self.digest:
            return Broken(
                event.position,
                event.stream_id,
                event.stream_version,
                event.event_id,
                "the log up to here differs from the signed checkpoint (altered or reordered)",
            )
        return None

    def finish(self) -> Broken | None:
        cp = self.checkpoint
        if cp is not None and self.position < cp.position:
            return _missing(
                self.position + 1,
                f"missing: the signed checkpoint vouches for events up to {cp.position} "
                "(deleted tail)",
            )
        return None

    def _fault(self, event: StoredEvent) -> str | None:
        if event.position != self.position + 1:
            return f"position {event.position} does not follow {self.position} (moved)"
        version, prev_hash = self.heads.get(event.stream_id, (0, GENESIS_HASH))
        if event.legacy and event.position > self.legacy_until:
            return "unkeyed (plain SHA-256) hash where a keyed one is due (re-hashed or inserted)"
        if not event.legacy and not self.keyring.knows(event.key_id):
            return f"hashed with key {event.key_id!r}, which the keyring does not hold"
        if event.stream_version != version + 1:
            return f"version {event.stream_version} follows {version}"
        if event.prev_hash != prev_hash:
            return "link to the previous event's hash is broken"
        if not hmac.compare_digest(event.content_hash(self.keyring), event.hash):
            return "content does not match its hash (altered)"
        return None


def verify_events(
    events: list[StoredEvent], keyring: Keyring, checkpoint: Checkpoint | None = None
) -> VerifyReport:
    """The whole check over events already read (in position order)."""
    verifier = ChainVerifier(keyring, checkpoint)
    broken = verifier.start()
    for event in events if broken is None else []:
        if broken := verifier.feed(event):
            break
    return _report(verifier, broken or verifier.finish())


async def verify_chains(
    store: EventStore, checkpoint: Checkpoint | None = None, batch: int = 2000
) -> VerifyReport:
    """Check ``store``'s whole log with its keyring, against ``checkpoint`` if there is one."""
    verifier = ChainVerifier(store.keyring, checkpoint)
    if broken := verifier.start():
        return _report(verifier, broken)
    position = 0
    while events := await store.read_all(after=position, limit=batch):
        for event in events:
            if broken := verifier.feed(event):
                return _report(verifier, broken)
        position = events[-1].position
    return _report(verifier, verifier.finish())


def _report(verifier: ChainVerifier, broken: Broken | None) -> VerifyReport:
    checkpoint = verifier.checkpoint.position if verifier.checkpoint else None
    count = verifier.position
    return VerifyReport(count, len(verifier.heads), broken, checkpoint, verifier.legacy)


def _missing(position: int, reason: str) -> Broken:
    return Broken(position, "", 0, "", reason)
