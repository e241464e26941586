"""Cases (病例) and their lifting (疫情解除): counts and kinds, never names."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.reporting import CaseLifted, CaseReported
from wuyi_core.auth import Principal, require
from wuyi_core.errors import Conflict, InvalidInput, NotFound
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id

from wuyi_reporting.application import commands as c
from wuyi_reporting.application.access import (
    CASE_REPORTERS,
    REVIEWERS,
    known_entity,
    known_grid,
)
from wuyi_reporting.application.eligibility import refresh_lineage
from wuyi_reporting.bootstrap import Reporting


async def report_case(
    rep: Reporting, who: Principal, cid: str, cmd: c.ReportCase
) -> dict[str, Any]:
    _, lineage = await known_entity(rep.reads, who.tenant, cmd.entity_id)
    if cmd.grid_id is not None:  # a grid member's scope is its grid: check against the grid's
        grid, lineage = await known_grid(rep.reads, who.tenant, cmd.grid_id)
        if grid["entity_id"] != cmd.entity_id:
            raise InvalidInput(
                "该网格不属于所报主体", "grid_id: the grid does not belong to entity_id", "grid_id"
            )
    require(who, CASE_REPORTERS, lineage)
    settings, _ = await rep.reads.settings(who.tenant)
    if cmd.date > settings.local_date(rep.clock.now()):
        raise InvalidInput("病例日期不能是未来", f"{cmd.date} is in the future", "date")
    case_id = new_id()
    event = CaseReported(
        case_id=case_id,
        entity_id=cmd.entity_id,
        kind=cmd.kind,
        date=cmd.date,
        count=cmd.count,
        grid_id=cmd.grid_id,
    )
    await rep.write(EventMetadata.of(who, cid), who.tenant, f"case:{case_id}", 0, [NewEvent(event)])
    await refresh_lineage(rep, who.tenant, cmd.entity_id, EventMetadata.of(who, cid))
    return await case_view(rep, who.tenant, case_id)


async def lift_case(
    rep: Reporting, who: Principal, cid: str, case_id: str, cmd: c.LiftCase
) -> dict[str, Any]:
    case = await rep.reads.case(who.tenant, case_id)
    if case is None:
        raise NotFound(f"病例不存在：{case_id}", f"case {case_id} not found")
    require(who, REVIEWERS, await rep.reads.lineage(who.tenant, case["entity_id"]))
    if case["lifted_on"]:
        raise Conflict(
            f"该疫情已于 {case['lifted_on']} 解除", f"already lifted on {case['lifted_on']}"
        )
    settings, _ = await rep.reads.settings(who.tenant)
    event = CaseLifted(
        case_id=case_id, entity_id=case["entity_id"], lifted_on=settings.local_date(rep.clock.now())
    )
    private = {"note": cmd.note} if cmd.note else None
    await rep.write(
        EventMetadata.of(who, cid),
        who.tenant,
        f"case:{case_id}",
        1,
        [NewEvent(event, private=private)],
    )
    await refresh_lineage(rep, who.tenant, case["entity_id"], EventMetadata.of(who, cid))
    return await case_view(rep, who.tenant, case_id)


async def case_view(rep: Reporting, tenant: str, case_id: str) -> dict[str, Any]:
    case = await rep.reads.case(tenant, case_id)
    if case is None:
        raise NotFound(f"病例不存在：{case_id}", f"case {case_id} not found")
    return {
        "id": case["case_id"],
        "entity_id": case["entity_id"],
        "kind": case["kind"],
        "date": case["day"],
        "count": case["count"],
        "lifted_on": case["lifted_on"],
    }
