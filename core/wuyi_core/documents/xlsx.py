"""One-sheet workbooks a county office files: a title row, a header row in bold with a fill,
frozen under the header, and columns wide enough for Chinese text."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter


def workbook(
    sheet: str,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Mapping[int, str] | None = None,
) -> bytes:
    """Row 1: ``title``; row 2: ``headers``; then ``rows``. Numbers stay numbers;
    ``formats`` gives a column (0-based) a number format, such as ``"0.0%"``."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(headers))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(list(row))
    for column, number_format in (formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=3, min_col=column + 1, max_col=column + 1):
            cell.number_format = number_format
    ws.freeze_panes = "A3"
    for n, header in enumerate(headers, start=1):
        longest = max(
            [_width(header)] + [_width(r[n - 1]) for r in rows if n - 1 < len(r)], default=8
        )
        ws.column_dimensions[get_column_letter(n)].width = min(60, max(8, longest + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _width(value: Any) -> int:
    """Display width: a Chinese character is two columns wide."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
