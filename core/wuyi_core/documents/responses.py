"""HTTP responses carrying a document as a download, with a UTF-8 file name (RFC 6266)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def download(content: bytes, media_type: str, filename: str) -> Response:
    """``filename`` may be Chinese: an ASCII fallback plus ``filename*`` for browsers."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
