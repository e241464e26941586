"""Tamper evidence: recompute every stream's chain and the log's signed head.

``verify_chains`` reads the log in position order and stops at the first event that does not
hold, naming its position. It catches:

- an edited event or a re-hashed stream: each hash is an HMAC under a key the database does not
  hold (records.py), so neither plain SHA-256 nor a wrong key reproduces it; an unkeyed
  (legacy) hash is accepted only up to ``legacy_until`` of the signed checkpoint;
- a moved or inserted event: each keyed hash covers its position, its stream version and its
  predecessor's hash;
- a deleted event: every position up to the signed checkpoint's ``high`` exists but those it
  names ``absent`` (checkpoints.py); on SQLite, whose positions are dense, every position;
- a deleted tail or reordered log: the signed checkpoint names the last event it covers and a
  digest of every hash up to it in commit order, the order followers read (store.py).

What this cannot see: events appended after the last checkpoint and then deleted (on PostgreSQL,
where a rolled-back append leaves a gap, that includes a deleted event in the middle of the log
after the last checkpoint if it was the tail of its stream), and anything done by someone who
holds the audit key (docs/security.md, "Tamper evidence and key handling").
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
    """Folds the log's events, in position order, against a keyring and a checkpoint.
    ``dense``: every position must exist (SQLite); otherwise only those the checkpoint
    vouches for."""

    def __init__(
        self, keyring: Keyring, checkpoint: Checkpoint | None = None, dense: bool = True
    ) -> None:
        self.keyring = keyring
        self.checkpoint = checkpoint
        self.dense = dense
        self.heads: dict[str, tuple[int, str]] = {}
        self.position = 0
        self.count = 0
        self.legacy = 0
        self._absent = frozenset(checkpoint.absent) if checkpoint else frozenset[int]()
        self._reach = checkpoint.reach if checkpoint else 0

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
        if missing := self._first_missing(self.position + 1, event.position):
            return _missing(missing, "missing: a position that must exist is gone (deleted)")
        reason = self._fault(event)
        if reason is not None:
            return Broken(
                event.position, event.stream_id, event.stream_version, event.event_id, reason
            )
        self.heads[event.stream_id] = (event.stream_version, event.hash)
        self.position = event.position
        self.count += 1
        self.legacy += event.legacy
        return None

    def finish(self) -> Broken | None:
        cp = self.checkpoint
        if cp is not None and (missing := self._first_missing(self.position + 1, cp.reach + 1)):
            return _missing(
                missing,
                f"missing: the signed checkpoint vouches for events up to {cp.reach} "
                "(deleted tail)",
            )
        return None

    def _first_missing(self, start: int, stop: int) -> int | None:
        """The first position in [start, stop) that must exist."""
        for position in range(start, stop):
            if position not in self._absent and (self.dense or position <= self._reach):
                return position
        return None

    def _fault(self, event: StoredEvent) -> str | None:
        if event.position <= self.position:
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


class DigestCheck:
    """Rolls the hashes in commit order up to the checkpoint's last event and compares."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = checkpoint
        self.digest = GENESIS_HASH
        self.done = False

    def feed(self, event: StoredEvent) -> Broken | None:
        """None while the checkpoint's event is not reached; ``done`` once it is."""
        self.digest = roll(self.digest, event.hash)
        if event.position != self.checkpoint.position:
            return None
        self.done = True
        if self.digest == self.checkpoint.digest:
            return None
        return Broken(
            event.position,
            event.stream_id,
            event.stream_version,
            event.event_id,
            "the log up to here differs from the signed checkpoint (altered or reordered)",
        )

    def finish(self) -> Broken | None:
        if self.done:
            return None
        return _missing(
            self.checkpoint.position,
            "missing: the signed checkpoint's last event is gone (deleted tail)",
        )


def verify_events(
    events: list[StoredEvent],
    keyring: Keyring,
    checkpoint: Checkpoint | None = None,
    dense: bool = True,
) -> VerifyReport:
    """The whole check over events already read (in any order)."""
    verifier = ChainVerifier(keyring, checkpoint, dense)
    broken = verifier.start()
    for event in sorted(events, key=lambda e: e.position) if broken is None else []:
        if broken := verifier.feed(event):
            break
    broken = broken or verifier.finish()
    if checkpoint is not None and (broken is None or broken.position > checkpoint.position):
        broken = _first(broken, _check_digest_of(events, checkpoint))
    return _report(verifier, broken)


def _check_digest_of(events: list[StoredEvent], checkpoint: Checkpoint) -> Broken | None:
    digest = DigestCheck(checkpoint)
    for event in sorted(events, key=lambda e: (e.transaction_id, e.position)):
        if (broken := digest.feed(event)) or digest.done:
            return broken
    return digest.finish()


async def verify_chains(
    store: EventStore, checkpoint: Checkpoint | None = None, batch: int = 2000
) -> VerifyReport:
    """Check ``store``'s whole log with its keyring, against ``checkpoint`` if there is one."""
    verifier = ChainVerifier(store.keyring, checkpoint, store.dense)
    if broken := verifier.start():
        return _report(verifier, broken)
    position = 0
    while broken is None and (events := await store.read_log(after=position, limit=batch)):
        for event in events:
            if broken := verifier.feed(event):
                break
        position = events[-1].position
    broken = broken or verifier.finish()
    if checkpoint is not None and (broken is None or broken.position > checkpoint.position):
        broken = _first(broken, await _check_digest(store, checkpoint, batch))
    return _report(verifier, broken)


async def _check_digest(store: EventStore, checkpoint: Checkpoint, batch: int) -> Broken | None:
    digest = DigestCheck(checkpoint)
    position = 0
    while events := await store.read_all(after=position, limit=batch):
        for event in events:
            if (broken := digest.feed(event)) or digest.done:
                return broken
        position = events[-1].position
    return digest.finish()


def _first(a: Broken | None, b: Broken | None) -> Broken | None:
    if a is None or b is None:
        return a or b
    return a if a.position <= b.position else b


def _report(verifier: ChainVerifier, broken: Broken | None) -> VerifyReport:
    checkpoint = verifier.checkpoint.position if verifier.checkpoint else None
    return VerifyReport(verifier.count, len(verifier.heads), broken, checkpoint, verifier.legacy)


def _missing(position: int, reason: str) -> Broken:
    return Broken(position, "", 0, "", reason)
