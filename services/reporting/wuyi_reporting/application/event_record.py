"""One event as reporting's own log holds it, for the audit view's link across services: a
scoring decision names the reporting event that caused it (a case, a verified complaint), and
this shows that event where it was recorded: stream, log position, actor, request and hash.
Private parts (complaint texts, callers) are never shown."""

from __future__ import annotations

from typing import Any

from wuyi_core.auth import Principal, Role, require
from wuyi_core.errors import NotFound
from wuyi_core.eventstore.store import read_event

from wuyi_reporting.bootstrap import Reporting

READERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN})


async def event_record(rep: Reporting, who: Principal, event_id: str) -> dict[str, Any]:
    async with rep.store.db.read() as conn:
        event = await read_event(conn, who.tenant, event_id)
    if event is None:
        raise NotFound(f"报告服务中没有该事件：{event_id}", f"no reporting event {event_id}")
    lineage: list[str] = []
    if event.data.get("entity_id"):
        lineage = await rep.reads.lineage(who.tenant, str(event.data["entity_id"]))
    elif event.data.get("grid_id"):
        grid = await rep.reads.grid(who.tenant, str(event.data["grid_id"]))
        lineage = await rep.reads.grid_lineage(who.tenant, str(event.data["grid_id"]))
        if grid is not None:
            lineage += await rep.reads.lineage(who.tenant, grid["entity_id"])
    require(who, READERS, lineage or [await rep.reads.county(who.tenant) or ""])
    return {
        "service": "reporting",
        "event_id": event.event_id,
        "type": event.type,
        "stream": event.stream_id,
        "version": event.stream_version,
        "position": event.position,
        "time": event.recorded_at.isoformat(),
        "actor": event.metadata.actor,
        "role": event.metadata.role,
        "correlation_id": event.metadata.correlation_id,
        "causation_id": event.metadata.causation_id,
        "data": event.data,
        "hash": event.hash,
    }
