"""Roster import route: a multipart CSV/XLSX upload, answered with a per-row report."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel
from wuyi_core.http import CorrelationId, CurrentPrincipal

from wuyi_registry.adapters.roster_files import read_roster
from wuyi_registry.api.deps import RegistryDep
from wuyi_registry.application.access import authorize_roster_writer
from wuyi_registry.application.roster_import import import_rows

router = APIRouter(prefix="/imports", tags=["imports"])


class RowReport(BaseModel):
    row: int
    status: str
    id: str | None
    field: str | None
    message_zh: str | None
    message_en: str | None


class ImportReport(BaseModel):
    accepted: int
    skipped: int
    rejected: int
    rows: list[RowReport]


def summarize(results: list[Any]) -> dict[str, Any]:
    rows = [asdict(r) for r in results]
    counts = {s: sum(r["status"] == s for r in rows) for s in ("accepted", "skipped", "rejected")}
    return {**counts, "rows": rows}


@router.post("", response_model=ImportReport)
async def import_roster(
    file: UploadFile, reg: RegistryDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Import a roster (工作底册) of entities and grids from CSV or XLSX."""
    authorize_roster_writer(who)  # before a byte of the file is read
    content = await file.read()
    # Parsing is CPU work: in a thread, so one upload never holds the server's event loop.
    rows = await asyncio.to_thread(read_roster, file.filename or "", content)
    return summarize(await import_rows(reg, who, cid, rows))
