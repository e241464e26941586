"""The topic catalog: one topic per service stream, and every event type it carries."""

from __future__ import annotations

from wuyi_contracts import registry, reporting, scoring
from wuyi_contracts.base import EventData

SERVICES: tuple[str, ...] = ("registry", "reporting", "scoring")

_BY_SERVICE: dict[str, tuple[type[EventData], ...]] = {
    "registry": registry.EVENTS,
    "reporting": reporting.EVENTS,
    "scoring": scoring.EVENTS,
}

EVENT_TYPES: dict[str, type[EventData]] = {
    model.event_type(): model for models in _BY_SERVICE.values() for model in models
}


def topic_for(service: str, prefix: str = "") -> str:
    """``wuyi.<service>.events``; a prefix isolates test runs sharing one broker."""
    return f"{prefix}wuyi.{service}.events"


def events_of(service: str) -> tuple[type[EventData], ...]:
    return _BY_SERVICE[service]


def model_for(event_type: str) -> type[EventData]:
    """The data model of a type name; a ``KeyError`` names an unknown type."""
    return EVENT_TYPES[event_type]
