"""Downloads a county office files: completeness by township and day (XLSX), and the weekly
通报 (PDF with its charts).

The document libraries (fpdf2, openpyxl and the NumPy it pulls in) are imported by the first
export, not when the service starts: they are about a third of ``wuyi up``'s imports, and
ready time is one of issue #12's figures."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, Response
from wuyi_core.documents.responses import PDF, XLSX, download
from wuyi_core.http import CurrentPrincipal
from wuyi_core.limits import PlausibleDate

from wuyi_reporting.api.deps import ReportingDep

router = APIRouter(tags=["exports"])


@router.get("/exports/completeness.xlsx")
async def completeness_xlsx(
    rep: ReportingDep,
    who: CurrentPrincipal,
    entity_id: str,
    first: Annotated[PlausibleDate | None, Query(alias="from")] = None,
    last: Annotated[PlausibleDate | None, Query(alias="to")] = None,
) -> Response:
    """Completeness and timeliness of every township at or under ``entity_id``, day by day
    (the 7 days to ``to``, yesterday by default), with a total row per township."""
    from wuyi_reporting.application import exports

    content = await exports.completeness_xlsx(rep, who, entity_id, first, last)
    return download(content, XLSX, f"完整率及时率-{entity_id}.xlsx")


@router.get("/exports/weekly-bulletin.pdf")
async def weekly_bulletin_pdf(
    rep: ReportingDep,
    who: CurrentPrincipal,
    entity_id: str,
    last: Annotated[PlausibleDate | None, Query(alias="to")] = None,
) -> Response:
    """The weekly 通报 of the 7 days to ``to`` (yesterday by default), with its charts."""
    from wuyi_reporting.application import exports

    name, townships, first, until = await exports.weekly_bulletin(rep, who, entity_id, last)
    # drawing the charts and subsetting the font take CPU: off the event loop
    content = await asyncio.to_thread(exports.bulletin_pdf, name, townships, first, until)
    return download(content, PDF, f"周通报-{until.isoformat()}.pdf")
