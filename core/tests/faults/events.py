"""Small real envelopes for kernel fault tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from wuyi_contracts.envelope import Envelope
from wuyi_contracts.registry import EntityRegistered
from wuyi_core.eventstore import EventMetadata, NewEvent, StoredEvent


def an_event(name: str = "村") -> NewEvent:
    return NewEvent(
        EntityRegistered(entity_id=str(uuid.uuid4()), name=name, kind="village", parent_id=None)
    )


def an_envelope(name: str = "村") -> Envelope:
    event = an_event(name)
    stored = StoredEvent(
        1,
        "t1",
        f"entity:{uuid.uuid4()}",
        1,
        event.event_id,
        event.type,
        event.data.model_dump(mode="json"),
        None,
        EventMetadata.system("test"),
        datetime.now(UTC),
        "",
        "",
    )
    return stored.envelope()
