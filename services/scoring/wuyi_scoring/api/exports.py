"""Downloads a county office files and posts (XLSX, DOCX, PDF), and an entity's public
history (no sign-in).

The document libraries (python-docx, fpdf2, openpyxl and the NumPy it pulls in) are imported by
the first export, not when the service starts: they are about a third of ``wuyi up``'s imports,
and ready time is one of issue #12's figures."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from wuyi_core.documents.responses import DOCX, PDF, XLSX, download
from wuyi_core.http import CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application.public_history import public_history

router = APIRouter(tags=["exports"])
Contact = Annotated[str | None, Query(max_length=100, description="异议受理联系方式（电话、地址）")]


@router.get("/exports/honor-list.xlsx")
async def honor_list_xlsx(
    scoring: ScoringDep, who: CurrentPrincipal, campaign_id: str | None = None
) -> Response:
    """无疫名单 as a workbook: one row per current holder."""
    from wuyi_scoring.application import exports

    content = await exports.honor_list_xlsx(scoring, who, campaign_id)
    return download(content, XLSX, f"无疫名单-{campaign_id or who.tenant}.xlsx")


@router.get("/exports/delistings.xlsx")
async def delistings_xlsx(
    scoring: ScoringDep, who: CurrentPrincipal, campaign_id: str | None = None
) -> Response:
    """摘牌名单 as a workbook: who lost a title, when and why."""
    from wuyi_scoring.application import exports

    content = await exports.delistings_xlsx(scoring, who, campaign_id)
    return download(content, XLSX, f"摘牌名单-{campaign_id or who.tenant}.xlsx")


@router.get("/exports/public-notice.docx")
async def public_notice_docx(
    scoring: ScoringDep,
    who: CurrentPrincipal,
    request: Request,
    campaign_id: str,
    contact: Contact = None,
) -> Response:
    """The campaign's 公示 notice as a Word document, to edit and stamp."""
    from wuyi_scoring.application import exports
    from wuyi_scoring.application.notice_document import notice_docx

    notice = await exports.notice(scoring, who, campaign_id, contact, _public_url(request))
    return download(await asyncio.to_thread(notice_docx, notice), DOCX, f"公示-{campaign_id}.docx")


@router.get("/exports/public-notice.pdf")
async def public_notice_pdf(
    scoring: ScoringDep,
    who: CurrentPrincipal,
    request: Request,
    campaign_id: str,
    contact: Contact = None,
) -> Response:
    """The campaign's 公示 notice as a PDF fit to post (Chinese font embedded)."""
    from wuyi_scoring.application import exports
    from wuyi_scoring.application.notice_document import notice_pdf

    notice = await exports.notice(scoring, who, campaign_id, contact, _public_url(request))
    # laying out and subsetting the font takes CPU: off the event loop
    return download(await asyncio.to_thread(notice_pdf, notice), PDF, f"公示-{campaign_id}.pdf")


@router.get("/public/entities/{entity_id}/history")
async def entity_history(entity_id: str, scoring: ScoringDep) -> dict[str, Any]:
    """An entity's public notices, awards and delistings (public; no personal data)."""
    return await public_history(scoring, entity_id)


def _public_url(request: Request) -> str:
    """Where the public page of notices is, as the caller reached this server."""
    return f"{request.url.scheme}://{request.url.netloc}/#/public/notices"
