"""Cases, lifts and complaints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from wuyi_core.http import CorrelationId, CurrentPrincipal
from wuyi_core.limits import Offset

from wuyi_reporting.api.deps import ReportingDep
from wuyi_reporting.application import cases, complaints
from wuyi_reporting.application import commands as c
from wuyi_reporting.application.complaint_list import ComplaintStatus, list_complaints

router = APIRouter(tags=["cases"])


@router.post("/cases", status_code=201)
async def report_case(
    body: c.ReportCase, rep: ReportingDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Report a case or contact in an entity (病例上报)."""
    return await cases.report_case(rep, who, cid, body)


@router.get("/cases/{case_id}")
async def get_case(case_id: str, rep: ReportingDep, who: CurrentPrincipal) -> dict[str, Any]:
    """One case (in scope of its entity)."""
    return await cases.read_case(rep, who, case_id)


@router.post("/cases/{case_id}/lift")
async def lift_case(
    case_id: str,
    rep: ReportingDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    body: c.LiftCase | None = None,
) -> dict[str, Any]:
    """Declare the outbreak over (疫情解除)."""
    return await cases.lift_case(rep, who, cid, case_id, body or c.LiftCase())


@router.post("/complaints", status_code=201)
async def register_complaint(
    body: c.RegisterComplaint, rep: ReportingDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Register a complaint against an entity (投诉 / 12345)."""
    return await complaints.register_complaint(rep, who, cid, body)


@router.get("/complaints")
async def complaints_in_scope(
    rep: ReportingDep,
    who: CurrentPrincipal,
    status: ComplaintStatus | None = None,
    entity_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Complaints about entities in the caller's scope, newest first, paged (reviewers: the
    township's complaints to verify with ``status=open``)."""
    return await list_complaints(rep, who, status, entity_id, limit, offset)


@router.get("/complaints/{complaint_id}")
async def get_complaint(
    complaint_id: str, rep: ReportingDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """One complaint, to reviewers in scope of the entity complained about."""
    return await complaints.read_complaint(rep, who, complaint_id)


@router.post("/complaints/{complaint_id}/verification")
async def verify_complaint(
    complaint_id: str,
    body: c.VerifyComplaint,
    rep: ReportingDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Verify (属实) or dismiss (不属实) a complaint, with a note."""
    return await complaints.verify_complaint(rep, who, cid, complaint_id, body)
