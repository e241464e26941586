"""The audit timeline (审计链) of one entity: every scoring event of its applications, and the
reporting events that caused any of them, in order, with who, when, why and what caused it.
The entity's own side sees inspections as ``domain/disclosure.py`` allows."""

from __future__ import annotations

import json
from typing import Any

from wuyi_contracts.envelope import Envelope
from wuyi_core.auth import Principal
from wuyi_core.db.port import Row
from wuyi_core.eventstore import StoredEvent
from wuyi_core.eventstore.store import read_stream

from wuyi_scoring.application.access import READERS, above, authorize
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.disclosure import audit_entry_for_applicant


async def audit_timeline(scoring: Scoring, who: Principal, entity_id: str) -> dict[str, Any]:
    async with scoring.reading() as tx:
        await authorize(tx, who, READERS, entity_id)
        chain = above(who, await tx.lineage(who.tenant, entity_id))
        apps = await tx.conn.fetch(
            f"SELECT application_id, status FROM {tx.t['applications']}"
            " WHERE tenant = $1 AND entity_id = $2",
            who.tenant,
            entity_id,
        )
        events: list[StoredEvent] = []
        for row in apps:
            events += await read_stream(tx.conn, who.tenant, f"application:{row['application_id']}")
        causes = sorted({e.data["cause_event_id"] for e in events if e.data.get("cause_event_id")})
        received: list[Row] = []
        if causes:
            marks = ", ".join(f"${i}" for i in range(2, len(causes) + 2))
            received = await tx.conn.fetch(
                f"SELECT envelope FROM inbox_events WHERE tenant = $1 AND event_id IN ({marks})",
                who.tenant,
                *causes,
            )
    entries = _ordered(events, received)
    if not chain:
        status = {f"application:{r['application_id']}": r["status"] for r in apps}
        shown = (audit_entry_for_applicant(e, status.get(e["stream"], "")) for e in entries)
        entries = [e for e in shown if e is not None]
    return {"entity_id": entity_id, "events": entries}


def _ordered(events: list[StoredEvent], received: list[Row]) -> list[dict[str, Any]]:
    """Scoring's events in log order, each reporting event placed just before the first event
    it caused (times alone can tie, and clocks of two services need not agree)."""
    causes = {
        envelope.id: _reporting_entry(envelope)
        for envelope in (Envelope.model_validate(json.loads(r["envelope"])) for r in received)
    }
    entries: list[dict[str, Any]] = []
    for event in sorted(events, key=lambda e: e.position):
        cause = causes.pop(event.data.get("cause_event_id") or "", None)
        if cause is not None:
            entries.append(cause)
        entries.append(_scoring_entry(event))
    return entries


def _scoring_entry(e: StoredEvent) -> dict[str, Any]:
    private = e.private or {}
    return {
        "source": "scoring",
        "event_id": e.event_id,
        "type": e.type,
        "time": e.recorded_at.isoformat(),
        "position": e.position,
        "stream": e.stream_id,
        "version": e.stream_version,
        "actor": e.metadata.actor,
        "role": e.metadata.role,
        "correlation_id": e.metadata.correlation_id,
        "causation_id": e.metadata.causation_id,
        "reason": e.data.get("reason") or e.data.get("stage"),
        "note": private.get("note"),
        "evidence": e.data.get("evidence", []),
        "decision_ref": e.data.get("decision_ref"),
        "data": e.data,
        "hash": e.hash,
    }


def _reporting_entry(envelope: Envelope) -> dict[str, Any]:
    return {
        "source": "reporting",
        "event_id": envelope.id,
        "type": envelope.type,
        "time": envelope.time.isoformat(),
        "position": StoredEvent.from_envelope(envelope).position,
        "stream": envelope.subject,
        "version": envelope.streamversion,
        "actor": envelope.actor,
        "role": None,
        "correlation_id": envelope.correlationid,
        "causation_id": envelope.causationid,
        "reason": None,
        "note": None,
        "evidence": [],
        "decision_ref": None,
        "data": envelope.data,
        "hash": None,
    }
