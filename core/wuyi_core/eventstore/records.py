"""Small frozen value objects for events going into and coming out of the store.

An event's ``hash`` is HMAC-SHA256, under the audit key named by its ``key_id``, of its
predecessor's hash and its canonical content including its position (so a moved, copied or
inserted event no longer matches). Events written before keyed chains have ``key_id`` ""
and a plain SHA-256 ``hash`` without the position: ``legacy``, trusted only up to the position a
signed checkpoint records (``wuyi_core.audit``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from wuyi_contracts.base import EventData
from wuyi_contracts.envelope import Envelope, source_for

from wuyi_core import telemetry
from wuyi_core.auth import Principal
from wuyi_core.eventstore.keyring import Keyring

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class EventMetadata:
    """Who caused an event and within which request: the audit trail's raw material."""

    actor: str
    role: str
    correlation_id: str
    causation_id: str | None = None
    traceparent: str | None = None

    @classmethod
    def of(cls, principal: Principal, correlation_id: str) -> EventMetadata:
        """What a request by ``principal`` records on the events it causes."""
        return cls(
            actor=principal.sub,
            role=principal.role.value,
            correlation_id=correlation_id,
            traceparent=telemetry.traceparent(),
        )

    @classmethod
    def system(cls, reason: str, correlation_id: str | None = None) -> EventMetadata:
        return cls(
            actor=f"system:{reason}",
            role="system",
            correlation_id=correlation_id or new_id(),
            traceparent=telemetry.traceparent(),
        )


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended. ``private`` stays in this service's store, unpublished."""

    data: EventData
    private: dict[str, Any] | None = None
    event_id: str = field(default_factory=lambda: new_id())

    @property
    def type(self) -> str:
        return self.data.event_type()


@dataclass(frozen=True)
class StoredEvent:
    position: int
    tenant: str
    stream_id: str
    stream_version: int
    event_id: str
    type: str
    data: dict[str, Any]
    private: dict[str, Any] | None
    metadata: EventMetadata
    recorded_at: datetime
    prev_hash: str
    hash: str
    key_id: str = ""
    # Where the event sorts in commit order (store.py): its transaction's id on PostgreSQL, 0 on
    # SQLite and for events read back from a topic. Not hashed, not compared, not published.
    transaction_id: int = field(default=0, compare=False)

    @property
    def legacy(self) -> bool:
        """Hashed with plain SHA-256 by a version before keyed chains."""
        return not self.key_id

    @property
    def service(self) -> str:
        return self.type.split(".")[2]

    def content_hash(self, keyring: Keyring) -> str:
        """What ``hash`` must be: keyed under ``key_id`` (KeyError if the keyring lacks it), or
        for a legacy event the plain sha256 of the predecessor's hash and the content."""
        if self.legacy:
            return chain_hash(self.prev_hash, self._content())
        content = {**self._content(), "position": self.position, "key_id": self.key_id}
        return keyring.mac(self.key_id, self.prev_hash + canonical_json(content))

    def _content(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "stream_id": self.stream_id,
            "stream_version": self.stream_version,
            "event_id": self.event_id,
            "type": self.type,
            "data": self.data,
            "private": self.private,
            "metadata": dict(vars(self.metadata)),  # flat: asdict's deep copy costs the verify
            "recorded_at": self.recorded_at.isoformat(),
        }

    def envelope(self, sequence: int | None = None) -> Envelope:
        """The public form: CloudEvents attributes and data, never the private part.
        ``sequence`` is the event's number in the order the relay publishes the log (the relay
        counts); without one, its position (the same number on a log with one writer)."""
        return Envelope(
            id=self.event_id,
            source=source_for(self.tenant, self.service),
            type=self.type,
            subject=self.stream_id,
            time=self.recorded_at,
            tenant=self.tenant,
            data=self.data,
            correlationid=self.metadata.correlation_id,
            causationid=self.metadata.causation_id,
            actor=self.metadata.actor,
            traceparent=self.metadata.traceparent,
            sequence=f"{self.position if sequence is None else sequence:020d}",
            position=self.position,
            streamversion=self.stream_version,
        )

    @classmethod
    def from_envelope(cls, envelope: Envelope) -> StoredEvent:
        """An event read back from a topic: everything but the private part and the hashes
        (the topic is a public copy of the log, not the log)."""
        metadata = EventMetadata(
            actor=envelope.actor or "",
            role="",
            correlation_id=envelope.correlationid or "",
            causation_id=envelope.causationid,
            traceparent=envelope.traceparent,
        )
        # Envelopes from before ``position`` carry it as ``sequence`` (one writer: the same).
        position = envelope.position
        return cls(
            int(envelope.sequence or 0) if position is None else position,
            envelope.tenant,
            envelope.subject,
            int(envelope.streamversion or 0),
            envelope.id,
            envelope.type,
            envelope.data,
            None,
            metadata,
            envelope.time,
            "",
            "",
        )


def chain_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(content)).encode()).hexdigest()


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def new_id() -> str:
    return str(uuid.uuid4())
