"""Evidence attachments (佐证材料): upload one file, read it back."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response, UploadFile
from pydantic import BaseModel
from wuyi_core.http import CurrentPrincipal

from wuyi_scoring.api.deps import ScoringDep
from wuyi_scoring.application.evidence import authorize_evidence, read_evidence, store_evidence

router = APIRouter(prefix="/evidence", tags=["evidence"])


class EvidencePublic(BaseModel):
    id: str
    ref: str
    name: str
    content_type: str
    size: int
    sha256: str


@router.post("", status_code=201, response_model=EvidencePublic)
async def upload_evidence(
    file: UploadFile, scoring: ScoringDep, who: CurrentPrincipal
) -> dict[str, Any]:
    """Store one attachment (a JPEG or PNG photo or a PDF, at most 5 MB); cite its ``ref`` in
    an inspection's, spot check's or rectification's ``evidence``."""
    authorize_evidence(who)  # before a byte of the file is read
    return await store_evidence(scoring, who, file.filename or "", await file.read())


@router.get("/{evidence_id}")
async def download_evidence(
    evidence_id: str, scoring: ScoringDep, who: CurrentPrincipal
) -> Response:
    """One stored attachment, as a download (never shown inline)."""
    file = await read_evidence(scoring, who, evidence_id)
    disposition = f"attachment; filename*=UTF-8''{quote(file.name)}"
    return Response(
        file.content, media_type=file.content_type, headers={"Content-Disposition": disposition}
    )
