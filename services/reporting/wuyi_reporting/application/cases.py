"""Cases (病例) and their lifting (疫情解除): counts and kinds, never names."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, get_args

from wuyi_contracts.reporting import CaseKind, CaseLifted, CaseReported, ReportCounts
from wuyi_core.auth import Principal, require
from wuyi_core.db.port import Row
from wuyi_core.errors import ConcurrencyConflict, Conflict, InvalidInput, NotFound
from wuyi_core.eventstore import EventMetadata, NewEvent, StoredEvent
from wuyi_core.eventstore.records import new_id

from wuyi_reporting.application import commands as c
from wuyi_reporting.application.access import (
    CASE_REPORTERS,
    READERS,
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


async def record_reported_cases(
    rep: Reporting,
    who: Principal,
    cid: str,
    grid: Row,
    report: StoredEvent,
    counts: ReportCounts | None,
    day: date,
) -> list[str]:
    """A level-3 daily report that counts new cases is a case signal: each kind counted
    becomes a case of the grid's entity, caused by the report (its causation id), so
    eligibility and delisting follow at once. One case per grid, day and kind: a correction
    that counts the same cases again records nothing new. (Level-2 reports only sum their
    children's counts, which were recorded where they were counted.)"""
    if counts is None or grid["level"] != 3:
        return []
    metadata = replace(EventMetadata.of(who, cid), causation_id=report.event_id)
    recorded = []
    kinds: tuple[CaseKind, ...] = get_args(CaseKind)
    for kind in kinds:
        count = getattr(counts.new_cases, kind)
        if not count:
            continue
        case_id = f"{grid['id']}:{day.isoformat()}:{kind}"
        event = CaseReported(
            case_id=case_id,
            entity_id=grid["entity_id"],
            kind=kind,
            date=day,
            count=count,
            grid_id=grid["id"],
        )
        try:
            await rep.write(metadata, who.tenant, f"case:{case_id}", 0, [NewEvent(event)])
        except ConcurrencyConflict:  # an earlier submission of this report recorded it
            continue
        recorded.append(case_id)
    if recorded:
        await refresh_lineage(rep, who.tenant, grid["entity_id"], metadata)
    return recorded


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


async def read_case(rep: Reporting, who: Principal, case_id: str) -> dict[str, Any]:
    """One case, to readers in scope of its entity."""
    view = await case_view(rep, who.tenant, case_id)
    require(who, READERS, await rep.reads.lineage(who.tenant, view["entity_id"]))
    return view


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
