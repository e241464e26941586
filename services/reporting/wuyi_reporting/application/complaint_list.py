"""The complaints a reviewer is to verify (投诉核实), filtered to the caller's scope: those about
an entity at or below its scope; the whole county's for county roles with an unscoped token;
none for an unscoped token of another role. Texts name the caller, so only reviewers list them
(like reading one)."""

from __future__ import annotations

from typing import Any, Literal

from wuyi_core.auth import Principal, in_scope, require_role

from wuyi_reporting.application.access import REVIEWERS
from wuyi_reporting.bootstrap import Reporting

ComplaintStatus = Literal["open", "verified", "dismissed"]


async def list_complaints(
    rep: Reporting,
    who: Principal,
    status: ComplaintStatus | None,
    entity_id: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    require_role(who, REVIEWERS)
    visible: list[str] | None = None  # the whole county
    if who.scope is not None:
        visible = await rep.reads.subtree(who.tenant, who.scope)
    elif not in_scope(who, []):
        visible = []
    if entity_id is not None:
        visible = [entity_id] if visible is None or entity_id in visible else []
    rows, total = await rep.reads.complaints(who.tenant, visible, status, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": rows}
