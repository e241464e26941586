"""Public routes (no token): the honor list, the delisting list, open public notices, and
objections to an application in public notice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from wuyi_core.http import CorrelationId

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application import commands as c
from wuyi_scoring.application import public
from wuyi_scoring.application.objections import file_objection

router = APIRouter(tags=["public"])


@router.get("/honor-list")
async def honor_list(
    scoring: ScoringDep, campaign_id: str | None = None, tenant: str | None = None
) -> dict[str, Any]:
    """无疫名单 (public): current title holders of a campaign, or of a county's campaigns."""
    owner = await public.tenant_of(scoring, campaign_id, tenant)
    return await public.honor_list(scoring, owner, campaign_id)


@router.get("/delistings")
async def delistings(
    scoring: ScoringDep, campaign_id: str | None = None, tenant: str | None = None
) -> dict[str, Any]:
    """摘牌名单 (public): who lost a title, when, why and caused by what."""
    owner = await public.tenant_of(scoring, campaign_id, tenant)
    return await public.delistings(scoring, owner, campaign_id)


@router.get("/public-notices")
async def public_notices(
    scoring: ScoringDep, campaign_id: str | None = None, tenant: str | None = None
) -> dict[str, Any]:
    """公示 (public): applications open to objections now."""
    owner = await public.tenant_of(scoring, campaign_id, tenant)
    return await public.public_notices(scoring, owner, campaign_id)


@router.post("/applications/{application_id}/objections", status_code=201)
async def object_to(
    application_id: str,
    body: c.FileObjection,
    scoring: ScoringDep,
    cid: CorrelationId,
    request: Request,
) -> dict[str, Any]:
    """File an objection (异议) during public notice (public; text and contact stay private).
    Rate limited per client address and per application (429 with Retry-After); the same text
    again counts on the first objection (``duplicate: true``)."""
    tenant = await public.tenant_of_application(scoring, application_id)
    # the peer address; behind a reverse proxy, uvicorn's --forwarded-allow-ips makes it the
    # client's (X-Forwarded-For is believed from those proxies only)
    client = request.client.host if request.client else "unknown"
    return await file_objection(scoring, tenant, cid, application_id, body, client)
