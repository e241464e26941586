"""Signed checkpoints: the log's head, kept outside the database.

A per-stream hash chain cannot tell a deleted tail from an event never written. A checkpoint can:
it records the last event it covers (``position``), a rolling digest over the hashes of every
event up to it in the order followers read them (commit order, ``EventStore.read_all``; on SQLite
that is position order), and how far legacy (unkeyed, plain SHA-256) events reach, all under an
HMAC of the current audit key. Since positions on PostgreSQL are neither dense nor in commit
order, it also records the highest position it covers (``high``) and the positions up to
``high`` that it does not cover (``absent``: burnt by a rolled-back append, or an event that
committed after the checkpoint); every other position up to ``high`` must exist. ``audit
verify`` recomputes the digest; a missing position, other hashes, or an unkeyed event past
``legacy_until``, is tampering.

Checkpoints are taken after appends commit, from the store's positions (no lock on the append
path). What is appended after the last checkpoint can still be cut off unseen: that window is
the price, kept short by taking checkpoints soon after appends (docs/security.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from wuyi_core.clock import Clock, SystemClock
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.eventstore.records import GENESIS_HASH, StoredEvent, canonical_json
from wuyi_core.eventstore.store import EventStore


@dataclass(frozen=True)
class Checkpoint:
    """The head of one service's log as signed at ``taken_at``."""

    service: str
    position: int
    digest: str
    legacy_until: int
    taken_at: str
    key_id: str
    mac: str = ""
    high: int = 0  # 0: a checkpoint from before commit ordering (``high`` is its position)
    absent: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "absent", tuple(self.absent))  # a list when read from JSON

    @property
    def reach(self) -> int:
        """The highest position this checkpoint vouches for."""
        return self.high or self.position

    def signed(self, keyring: Keyring) -> Checkpoint:
        unsigned = replace(self, key_id=keyring.current, mac="")
        return replace(unsigned, mac=keyring.mac(keyring.current, unsigned._message()))

    def valid(self, keyring: Keyring) -> bool:
        if not keyring.knows(self.key_id):
            return False
        expected = keyring.mac(self.key_id, replace(self, mac="")._message())
        return _equal(expected, self.mac)

    def _message(self) -> str:
        fields = asdict(self)
        if not self.high:  # signed before ``high``/``absent`` existed: the same message as then
            del fields["high"], fields["absent"]
        else:
            fields["absent"] = list(self.absent)
        return "wuyi-checkpoint:" + canonical_json(fields)


def roll(digest: str, event_hash: str) -> str:
    """The rolling digest after one more event."""
    return hashlib.sha256(f"{digest}{event_hash}".encode()).hexdigest()


class AbstractCheckpointLog(ABC):
    """Where one service's checkpoints live, outside its database."""

    @abstractmethod
    async def latest(self) -> Checkpoint | None: ...

    @abstractmethod
    async def record(self, checkpoint: Checkpoint) -> None: ...


class FileCheckpointLog(AbstractCheckpointLog):
    """The latest checkpoint in one file (0600), replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def latest(self) -> Checkpoint | None:
        if not self.path.exists():
            return None
        return Checkpoint(**json.loads(self.path.read_text()))

    async def record(self, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(json.dumps(asdict(checkpoint)))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self.path)


class Checkpointer:
    """Moves a service's checkpoint forward over the events appended since the last one."""

    def __init__(
        self,
        service: str,
        store: EventStore,
        log: AbstractCheckpointLog,
        clock: Clock | None = None,
        batch: int = 2000,
    ) -> None:
        self.service = service
        self.store = store
        self.log = log
        self.clock = clock or SystemClock()
        self.batch = batch

    async def checkpoint(self) -> Checkpoint | None:
        """Sign the new head, if events were appended; returns the checkpoint recorded.

        The first checkpoint of a store written before keyed chains adopts its leading run of
        legacy events (``legacy_until``); an unkeyed event after a keyed one is never adopted.
        Events whose hash does not match are not signed over: the checkpoint stops before them.
        """
        last = await self.log.latest()
        position = last.position if last else 0
        digest = last.digest if last else GENESIS_HASH
        legacy_until = last.legacy_until if last else 0
        high = last.reach if last else 0
        absent = set(last.absent) if last else set()
        adopting = last is None
        moved = False
        dense = self.store.dense
        while events := await self.store.read_all(after=position, limit=self.batch):
            for event in events:
                if (dense and event.position != position + 1) or not self._sound(event, adopting):
                    return await self._record(moved, position, digest, legacy_until, high, absent)
                adopting = adopting and event.legacy
                if adopting:
                    legacy_until = event.position
                absent.update(range(high + 1, event.position))
                absent.discard(event.position)
                high = max(high, event.position)
                position, digest, moved = event.position, roll(digest, event.hash), True
        return await self._record(moved, position, digest, legacy_until, high, absent)

    def _sound(self, event: StoredEvent, adopting: bool) -> bool:
        if event.legacy:
            return adopting
        return self.store.keyring.knows(event.key_id) and _equal(
            event.content_hash(self.store.keyring), event.hash
        )

    async def _record(
        self,
        moved: bool,
        position: int,
        digest: str,
        legacy_until: int,
        high: int,
        absent: set[int],
    ) -> Checkpoint | None:
        if not moved:
            return None
        at = _iso(self.clock.now())
        unsigned = Checkpoint(
            self.service, position, digest, legacy_until, at, "", "", high, tuple(sorted(absent))
        )
        checkpoint = unsigned.signed(self.store.keyring)
        await self.log.record(checkpoint)
        return checkpoint


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
