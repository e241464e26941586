"""Reading roster files (工作底册): CSV (UTF-8, with or without BOM, or GB18030) and XLSX.

Headers may be English or Chinese; both map to the same column names.

A roster is bounded before it is read whole: at most ``MAX_ROWS`` rows and ``MAX_COLUMNS``
columns, counting what an XLSX sheet *declares* (its dimension) and not only the cells it holds,
and at most ``MAX_UNPACKED`` bytes once unzipped, so a small crafted file cannot make the server
build a sheet of a million rows.

openpyxl (and the NumPy it pulls in) is imported by the first XLSX read, not with the registry:
it was a fifth of ``wuyi up``'s imports, and ready time is one of issue #12's figures.
"""

from __future__ import annotations

import csv
import io
import zipfile

from wuyi_core.errors import InvalidInput

HEADERS = {
    "record": "record",
    "类别": "record",
    "code": "code",
    "编码": "code",
    "name": "name",
    "名称": "name",
    "kind": "kind",
    "类型": "kind",
    "parent_code": "parent_code",
    "上级编码": "parent_code",
    "entity_code": "entity_code",
    "所属主体编码": "entity_code",
    "level": "level",
    "网格级别": "level",
    "address": "address",
    "地址": "address",
    "contact_name": "contact_name",
    "联系人": "contact_name",
    "contact_phone": "contact_phone",
    "联系电话": "contact_phone",
    "households": "households",
    "户数": "households",
    "lon": "lon",
    "经度": "lon",
    "lat": "lat",
    "纬度": "lat",
}

Rows = list[tuple[int, dict[str, str]]]
MAX_ROWS = 20_000
MAX_COLUMNS = 40
MAX_UNPACKED = 64 * 1024 * 1024


def read_roster(filename: str, content: bytes) -> Rows:
    """``(row number as the user sees it, {column: text})`` for every non-empty data row."""
    if filename.lower().endswith(".xlsx"):
        table = _xlsx(content)
    elif filename.lower().endswith(".csv"):
        table = _csv(content)
    else:
        raise InvalidInput(
            "只支持 .csv 或 .xlsx 文件", "only .csv and .xlsx files are supported", "file"
        )
    if not table:
        raise InvalidInput("文件为空", "the file is empty", "file")
    _within_bounds(len(table), max(len(row) for row in table))
    columns = [
        HEADERS.get(str(h or "").strip().lower(), HEADERS.get(str(h or "").strip(), ""))
        for h in table[0]
    ]
    if "record" not in columns or "name" not in columns:
        raise InvalidInput(
            "表头缺少“类别”或“名称”列", "header needs 'record' and 'name' columns", "file"
        )
    rows: Rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {
            c: str(v).strip()
            for c, v in zip(columns, cells, strict=False)
            if c and v is not None and str(v).strip()
        }
        if values:
            rows.append((number, values))
    return rows


def _csv(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(
            "无法识别文件编码（请用 UTF-8）", "unreadable encoding; use UTF-8", "file"
        )
    table = []
    for row in csv.reader(io.StringIO(text)):
        table.append(row)
        _within_bounds(len(table), len(row))
    return table


def _xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    _unpacked_within_bounds(content)
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception as err:
        raise InvalidInput(
            "无法读取 Excel 文件", f"cannot read the XLSX file: {err}", "file"
        ) from err
    if sheet is None:
        return []
    _within_bounds(sheet.max_row or 0, sheet.max_column or 0)  # what the sheet declares
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True)
    ]


def _unpacked_within_bounds(content: bytes) -> None:
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(content)).infolist())
    except zipfile.BadZipFile as err:
        raise InvalidInput("无法读取 Excel 文件", f"not an XLSX file: {err}", "file") from err
    if unpacked > MAX_UNPACKED:
        raise InvalidInput(
            f"Excel 文件解压后超过 {MAX_UNPACKED // 2**20} MB，请拆分后分批导入",
            f"the XLSX unpacks to more than {MAX_UNPACKED // 2**20} MB; split it",
            "file",
        )


def _within_bounds(rows: int, columns: int) -> None:
    if rows > MAX_ROWS + 1 or columns > MAX_COLUMNS:  # + 1: the header row
        raise InvalidInput(
            f"文件过大：最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列（该文件为 {rows} 行、{columns} 列），"
            "请拆分后分批导入",
            f"file too large: at most {MAX_ROWS} rows and {MAX_COLUMNS} columns "
            f"(this one declares {rows} rows, {columns} columns); split it",
            "file",
        )
