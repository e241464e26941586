"""Complaints (投诉 / 12345诉求): registered against an entity, verified or dismissed by a
township reviewer. Texts and notes are private to reporting."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.reporting import ComplaintDismissed, ComplaintRegistered, ComplaintVerified
from wuyi_core.auth import Principal, require
from wuyi_core.errors import Conflict, NotFound
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id

from wuyi_reporting.application import commands as c
from wuyi_reporting.application.access import REVIEWERS, known_entity
from wuyi_reporting.bootstrap import Reporting


async def register_complaint(
    rep: Reporting, who: Principal, cid: str, cmd: c.RegisterComplaint
) -> dict[str, Any]:
    _, lineage = await known_entity(rep.reads, who.tenant, cmd.entity_id)
    require(who, REVIEWERS, lineage)
    complaint_id = new_id()
    event = ComplaintRegistered(
        complaint_id=complaint_id, entity_id=cmd.entity_id, source=cmd.source
    )
    await rep.write(
        EventMetadata.of(who, cid),
        who.tenant,
        f"complaint:{complaint_id}",
        0,
        [NewEvent(event, private={"summary": cmd.summary})],
    )
    return await complaint_view(rep, who.tenant, complaint_id)


async def verify_complaint(
    rep: Reporting, who: Principal, cid: str, complaint_id: str, cmd: c.VerifyComplaint
) -> dict[str, Any]:
    complaint = await complaint_view(rep, who.tenant, complaint_id)
    require(who, REVIEWERS, await rep.reads.lineage(who.tenant, complaint["entity_id"]))
    if complaint["status"] != "open":
        raise Conflict(
            f"该投诉已处理（{complaint['status']}）",
            f"the complaint is already {complaint['status']}",
        )
    model = ComplaintVerified if cmd.verified else ComplaintDismissed
    event = model(complaint_id=complaint_id, entity_id=complaint["entity_id"])
    await rep.write(
        EventMetadata.of(who, cid),
        who.tenant,
        f"complaint:{complaint_id}",
        1,
        [NewEvent(event, private={"note": cmd.note})],
    )
    return await complaint_view(rep, who.tenant, complaint_id)


async def read_complaint(rep: Reporting, who: Principal, complaint_id: str) -> dict[str, Any]:
    """One complaint, to reviewers in scope of the entity complained about only: its text may
    name the caller and the phone, so the entity's own admin never reads it."""
    view = await complaint_view(rep, who.tenant, complaint_id)
    require(who, REVIEWERS, await rep.reads.lineage(who.tenant, view["entity_id"]))
    return view


async def complaint_view(rep: Reporting, tenant: str, complaint_id: str) -> dict[str, Any]:
    row = await rep.reads.complaint(tenant, complaint_id)
    if row is None:
        raise NotFound(f"投诉不存在：{complaint_id}", f"complaint {complaint_id} not found")
    return {
        "id": row["complaint_id"],
        "entity_id": row["entity_id"],
        "source": row["source"],
        "summary": row["summary"],
        "status": row["status"],
        "note": row["note"],
        "registered_at": row["registered_at"],
        "decided_at": row["decided_at"],
    }
