"""The event store: an append-only log with per-stream versions and hash chains."""

from wuyi_core.eventstore.records import EventMetadata, NewEvent, StoredEvent
from wuyi_core.eventstore.store import EventStore

__all__ = ["EventMetadata", "EventStore", "NewEvent", "StoredEvent"]
