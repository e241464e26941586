"""Evidence attachments (佐证材料): stored by the service on upload, cited by reference in the
inspection, spot check or rectification they support, and read back by the same roles."""

from __future__ import annotations

import hashlib
from typing import Any

from wuyi_core.auth import Principal, require_role
from wuyi_core.errors import NotFound
from wuyi_core.eventstore.records import new_id

from wuyi_scoring.adapters import evidence_files
from wuyi_scoring.adapters.evidence_files import EvidenceFile
from wuyi_scoring.application.access import READERS
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.evidence import content_type, reference, safe_name


def authorize_evidence(who: Principal) -> None:
    """Who records or reads evidence: applicants, reviewers and the county (before a byte of
    an upload is read)."""
    require_role(who, READERS)


async def store_evidence(
    scoring: Scoring, who: Principal, name: str, content: bytes
) -> dict[str, Any]:
    kind = content_type(content)
    file = EvidenceFile(new_id(), safe_name(name), kind, content)
    sha256 = hashlib.sha256(content).hexdigest()
    async with scoring.store.db.transaction() as conn:
        at = scoring.clock.now().isoformat()
        await evidence_files.put(conn, who.tenant, file, sha256, who.sub, at)
    return {
        "id": file.evidence_id,
        "ref": reference(file.evidence_id, content),
        "name": file.name,
        "content_type": kind,
        "size": len(content),
        "sha256": sha256,
    }


async def read_evidence(scoring: Scoring, who: Principal, evidence_id: str) -> EvidenceFile:
    authorize_evidence(who)
    async with scoring.store.db.read() as conn:
        file = await evidence_files.get(conn, who.tenant, evidence_id)
    if file is None:
        raise NotFound(f"附件不存在：{evidence_id}", f"evidence {evidence_id} not found")
    return file
