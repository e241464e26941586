"""Evidence attachments (佐证材料) of inspections, spot checks and rectifications: which files
are taken, and the reference an event carries to one."""

from __future__ import annotations

import hashlib
import re

from wuyi_core.errors import InvalidInput, TooLarge

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024  # a phone photo or a scanned inspection record

# Sniffed from the content, never taken from the client's declared type: a browser shows what
# the bytes are, so an HTML page declared as a photo would otherwise run as a page.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def content_type(content: bytes) -> str:
    """The file's type from its first bytes: a JPEG or PNG photo or a PDF, nothing else."""
    if not content:
        raise InvalidInput("附件为空", "file: the attachment is empty", "file")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise TooLarge(
            f"附件不能超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB",
            f"file: an attachment may hold at most {MAX_EVIDENCE_BYTES // 1024 // 1024} MB",
            "file",
        )
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            return kind
    raise InvalidInput(
        "附件须为 JPEG、PNG 照片或 PDF 文件",
        "file: an attachment must be a JPEG or PNG photo or a PDF",
        "file",
    )


def reference(evidence_id: str, content: bytes) -> str:
    """What an event records: the stored file's id and its SHA-256, so the hash-chained event
    also vouches for the file's content."""
    return f"evidence:{evidence_id}:{hashlib.sha256(content).hexdigest()}"


def safe_name(name: str) -> str:
    """The client's file name as shown and offered for download: no path, no control
    characters, at most 120 characters."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return cleaned.strip()[:120] or "attachment"
