"""Stored evidence files, in scoring's own database (base64 text: one column type both
backends share). A file is configuration-free data kept beside the log; the events that cite
it carry its SHA-256 (``domain/evidence.py``)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from wuyi_core.db.port import AbstractConnection

DDL = [
    """CREATE TABLE IF NOT EXISTS evidence_files (
        evidence_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL,
        content_type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL,
        content TEXT NOT NULL, uploaded_by TEXT NOT NULL, uploaded_at TEXT NOT NULL)""",
]


@dataclass(frozen=True)
class EvidenceFile:
    evidence_id: str
    name: str
    content_type: str
    content: bytes


async def put(
    conn: AbstractConnection,
    tenant: str,
    file: EvidenceFile,
    sha256: str,
    uploaded_by: str,
    uploaded_at: str,
) -> None:
    await conn.execute(
        "INSERT INTO evidence_files (evidence_id, tenant, name, content_type, size, sha256,"
        " content, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        file.evidence_id,
        tenant,
        file.name,
        file.content_type,
        len(file.content),
        sha256,
        base64.b64encode(file.content).decode("ascii"),
        uploaded_by,
        uploaded_at,
    )


async def get(conn: AbstractConnection, tenant: str, evidence_id: str) -> EvidenceFile | None:
    row = await conn.fetchrow(
        "SELECT evidence_id, name, content_type, content FROM evidence_files"
        " WHERE tenant = $1 AND evidence_id = $2",
        tenant,
        evidence_id,
    )
    if row is None:
        return None
    content = base64.b64decode(row["content"])
    return EvidenceFile(row["evidence_id"], row["name"], row["content_type"], content)
