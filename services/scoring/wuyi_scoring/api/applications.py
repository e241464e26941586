"""Applications (申报) through their lifecycle, one route per step."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from wuyi_core.http import CorrelationId, CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application import applications as a
from wuyi_scoring.application import commands as c
from wuyi_scoring.application import county_record as cr
from wuyi_scoring.application import evaluation as e
from wuyi_scoring.application import management as m
from wuyi_scoring.application import rectification as r
from wuyi_scoring.application import send_back as sb
from wuyi_scoring.application.views import (
    list_applications,
    read_application,
    shown,
)

router = APIRouter(tags=["applications"])


@router.post("/applications", status_code=201)
async def open_application(
    body: c.OpenApplication, scoring: ScoringDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Open an entity's application in a batch (draft)."""
    return await shown(scoring, who, await a.open_application(scoring, who, cid, body))


@router.get("/applications")
async def applications(
    scoring: ScoringDep,
    who: CurrentPrincipal,
    campaign_id: str | None = None,
    batch_id: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Applications within the caller's scope: a reviewer's queue with ``status``."""
    return await list_applications(scoring, who, campaign_id, batch_id, status)


@router.get("/applications/{application_id}")
async def get_application(
    application_id: str, scoring: ScoringDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """One application: state, scores, notice and objections; inspections to its review chain."""
    return await read_application(scoring, who, application_id)


@router.post("/applications/{application_id}/self-assessment")
async def self_assess(
    application_id: str,
    body: c.SelfAssess,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Score the entity against the campaign's rubric (自评); the total is computed."""
    return await shown(scoring, who, await a.self_assess(scoring, who, cid, application_id, body))


@router.post("/applications/{application_id}/submission")
async def submit(
    application_id: str,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    body: c.Submit | None = None,
) -> dict[str, Any]:
    """Submit to the township; refused below the application mark or when not eligible."""
    view = await a.submit(scoring, who, cid, application_id, body or c.Submit())
    return await shown(scoring, who, view)


@router.post("/applications/{application_id}/township-review")
async def township_review(
    application_id: str,
    body: c.TownshipReview,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """The township's review (初审): approve, or reject with what to rectify."""
    return await a.township_review(scoring, who, cid, application_id, body)


@router.post("/applications/{application_id}/recommendation")
async def recommend(
    application_id: str,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    body: c.Recommend | None = None,
) -> dict[str, Any]:
    """The township recommends (推荐) the approved application to the county."""
    return await a.recommend(scoring, who, cid, application_id, body or c.Recommend())


@router.post("/applications/{application_id}/send-back")
async def send_back(
    application_id: str,
    body: c.SendBack,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Send the application back for rework (退回整改) from any review step, with a note; the
    applicant corrects, assesses itself again and resubmits in the same batch."""
    return await sb.send_back(scoring, who, cid, application_id, body)


@router.post("/applications/{application_id}/rectification")
async def record_rectification(
    application_id: str,
    body: c.RecordRectification,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Record the rectification (整改) after a rejection or delisting; the entity may then
    apply again from the next batch (seed 003: 验收未通过的,加强整改,在下批次复验)."""
    view = await r.record_rectification(scoring, who, cid, application_id, body)
    return await shown(scoring, who, view)


@router.post("/applications/{application_id}/inspections", status_code=201)
async def inspect(
    application_id: str,
    body: c.RecordInspection,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Record one county inspection (明查 open / 暗访 unannounced) with item scores."""
    return await e.inspect(scoring, who, cid, application_id, body)


@router.post("/applications/{application_id}/rejection")
async def reject(
    application_id: str,
    body: c.Reject,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """The county rejects the application during evaluation, saying what to rectify."""
    return await e.reject(scoring, who, cid, application_id, body)


@router.post("/applications/{application_id}/public-notice")
async def open_public_notice(
    application_id: str,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    body: c.OpenPublicNotice | None = None,
) -> dict[str, Any]:
    """Open the public notice (公示) for the campaign's notice days; needs a passing score."""
    return await e.open_public_notice(
        scoring, who, cid, application_id, body or c.OpenPublicNotice()
    )


@router.post("/applications/{application_id}/objections/{objection_id}/ruling")
async def rule_objection(
    application_id: str,
    objection_id: str,
    body: c.RuleObjection,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Rule on an objection; upheld rejects the application."""
    return await e.rule_objection(scoring, who, cid, application_id, objection_id, body)


@router.post("/applications/{application_id}/award")
async def award(
    application_id: str,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    body: c.Award | None = None,
) -> dict[str, Any]:
    """Award the title (授牌) once the notice window has passed without upheld objections."""
    return await e.award(scoring, who, cid, application_id, body or c.Award())


@router.post("/applications/{application_id}/county-record")
async def record_with_county(
    application_id: str,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    body: c.RecordWithCounty | None = None,
) -> dict[str, Any]:
    """The county records (报县备案) an award, where the campaign's chain asks for it."""
    return await cr.record_with_county(
        scoring, who, cid, application_id, body or c.RecordWithCounty()
    )


@router.post("/applications/{application_id}/spot-checks", status_code=201)
async def spot_check(
    application_id: str,
    body: c.SpotCheck,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Spot-check (抽查) a titled entity; failing delists it at once."""
    return await m.spot_check(scoring, who, cid, application_id, body)


@router.post("/applications/{application_id}/rectification-orders", status_code=201)
async def order_rectification(
    application_id: str,
    body: c.OrderRectification,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
) -> dict[str, Any]:
    """Order a titled entity to rectify (限期整改) by a deadline, or lose the title."""
    return await m.order_rectification(scoring, who, cid, application_id, body)


@router.post("/applications/{application_id}/rectification-orders/{order_id}/completion")
async def complete_rectification(
    application_id: str,
    order_id: str,
    scoring: ScoringDep,
    who: CurrentPrincipal,
    cid: CorrelationId,
    body: c.CompleteRectification | None = None,
) -> dict[str, Any]:
    """Report a rectification order done (整改完成), with evidence."""
    view = await m.complete_rectification(
        scoring, who, cid, application_id, order_id, body or c.CompleteRectification()
    )
    return await shown(scoring, who, view)
