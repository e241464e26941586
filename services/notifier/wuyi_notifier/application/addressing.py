"""What an event is about (its entity, grid, words) and whose mailbox each rule fills, read
from the notifier's registry replica and facts: no hand-made set-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wuyi_contracts.envelope import Envelope
from wuyi_core import registry_replica
from wuyi_core.db.port import AbstractConnection

from wuyi_notifier.adapters import facts
from wuyi_notifier.domain.rules import Audience


@dataclass(frozen=True)
class Subject:
    """The event's entity (for scopes and mailboxes), its lineage, and facts for templates."""

    entity_id: str | None
    lineage: list[str]
    township_id: str | None = None
    grid_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)


async def subject_of(conn: AbstractConnection, envelope: Envelope) -> Subject:
    d, tenant = envelope.data, envelope.tenant
    values: dict[str, Any] = dict(d)
    township_id = grid_id = None
    if "application_id" in d and envelope.service == "scoring":
        app = await facts.application(conn, tenant, d["application_id"])
        entity_id, township_id = app["entity_id"], app["township_id"]
        values.update(entity_name=app["entity_name"], campaign_id=app["campaign_id"])
    elif "grid_id" in d:
        grid_id = d["grid_id"]
        grid = await facts.grid(conn, tenant, grid_id)
        entity_id = d.get("entity_id") or (grid["entity_id"] if grid else None)
        values["grid_name"] = grid["name"] if grid else grid_id
    else:
        entity_id = d.get("entity_id")
    lineage = await registry_replica.lineage(conn, tenant, entity_id) if entity_id else []
    if grid_id:
        lineage = [grid_id, *lineage]
    return Subject(entity_id, lineage, township_id, grid_id, values)


def mailbox(audience: Audience, subject: Subject, data: dict[str, Any]) -> tuple[str, str] | None:
    """(role, scope id) of the audience's mailbox; None when the event names nobody there."""
    county = subject.lineage[-1] if subject.lineage else None
    match audience:
        case Audience.ENTITY_ADMIN:
            return ("entity_admin", subject.entity_id) if subject.entity_id else None
        case Audience.REVIEWERS:
            town = subject.township_id
            if town and town != subject.entity_id:
                return "township_reviewer", town
            return ("county_evaluator", county) if county else None  # nobody reviews their own
        case Audience.GRID_LEADER:
            return ("grid_member", subject.grid_id) if subject.grid_id else None
        case Audience.PARENT_GRID_LEADER:
            parent = data.get("parent_grid_id")
            return ("grid_member", parent) if parent else None
        case Audience.COUNTY:
            return ("county_evaluator", county) if county else None
        case Audience.PUBLIC:
            return ("public", subject.entity_id) if subject.entity_id else None
