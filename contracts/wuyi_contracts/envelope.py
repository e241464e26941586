"""The CloudEvents 1.0 envelope as it travels on a bus, and its Kafka binary-mode headers.

Binary content mode: attributes become ``ce_``-prefixed headers, the data is the JSON value.
Extensions: ``tenant``, ``correlationid``, ``causationid``, ``actor``, ``traceparent``, and
``sequence`` (the event's number in its service log as the relay publishes it: 1, 2, 3, ...
with no gaps, zero-padded to 20 digits so that it orders as a string, as the CloudEvents sequence
extension asks) so subscribers can detect gaps and duplicates and restore the log's total order
across partitions, ``position`` (the event's position in its service's store, unique and
increasing along a stream but, on PostgreSQL, neither dense nor in publication order: appends
run concurrently; what the audit trail cites), and ``streamversion`` (the event's version in
its aggregate's stream). On a log with one writer (SQLite, and PostgreSQL before issue #12)
``sequence`` and ``position`` are the same number.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

SPEC_VERSION = "1.0"
_EXTENSIONS = (
    "tenant",
    "correlationid",
    "causationid",
    "actor",
    "traceparent",
    "sequence",
    "position",
    "streamversion",
)


class Envelope(BaseModel):
    """One published event: what consumers and external subscribers see (never private data)."""

    model_config = ConfigDict(frozen=True)

    id: str
    source: str
    type: str
    subject: str
    time: datetime
    tenant: str
    data: dict[str, Any]
    correlationid: str | None = None
    causationid: str | None = None
    actor: str | None = None
    traceparent: str | None = None
    sequence: str | None = None
    position: int | None = None
    streamversion: int | None = None

    @property
    def service(self) -> str:
        return self.type.split(".")[2]

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        headers = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_subject": self.subject,
            "ce_time": self.time.isoformat(),
            "content-type": "application/json",
        }
        for name in _EXTENSIONS:
            value = getattr(self, name)
            if value is not None:
                headers[f"ce_{name}"] = str(value)
        if self.traceparent:
            headers["traceparent"] = self.traceparent  # W3C propagation for tracing libraries
        return [(key, value.encode()) for key, value in headers.items()]

    def kafka_value(self) -> bytes:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode()

    @classmethod
    def from_kafka(cls, headers: list[tuple[str, bytes]], value: bytes) -> Envelope:
        attrs = {k[3:]: v.decode() for k, v in headers if k.startswith("ce_")}
        attrs.pop("specversion", None)
        return cls.model_validate({**attrs, "data": json.loads(value)})


def source_for(tenant: str, service: str) -> str:
    return f"/tenants/{tenant}/{service}"
