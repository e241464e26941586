"""Roster uploads cost a clear error, never the server (issue #9, "Uploads"): the role is
checked before the file is read; rows and columns are capped, counting the dimensions an XLSX
declares and not only the cells it holds (a 1.6 KB XLSX from a grid member used to hold the
server for 9 s and grow it by 400 MB); the body is capped; nothing is imported from a refused
file."""

from __future__ import annotations

import io

from openpyxl import Workbook
from wuyi_registry.adapters.roster_files import MAX_COLUMNS, MAX_ROWS

from .test_imports import ROWS, csv_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def upload(api, name: str, content: bytes, kind: str, role: str = "county_admin"):
    return await api.http.post(
        "/registry/v1/imports",
        files={"file": (name, content, kind)},
        headers=api.auth(role=role),
    )


async def test_a_role_that_may_not_import_is_refused_before_the_file_is_read(api):
    response = await upload(api, "roster.xlsx", b"not even a zip file", XLSX, role="grid_member")
    assert response.status_code == 403, response.text  # not 422 "cannot read the XLSX"


def declaring_a_huge_sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    for row in ROWS[:3]:
        sheet.append(row)
    sheet.cell(row=1_048_576, column=16_384, value="x")  # the sheet now spans A1:XFD1048576
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_an_xlsx_declaring_a_huge_sheet_is_refused_by_its_declared_size(api):
    content = declaring_a_huge_sheet()
    assert len(content) < 20_000  # a small file
    response = await upload(api, "roster.xlsx", content, XLSX)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "file" and "1048576" in error["message_en"]
    assert (await api.get("/registry/v1/entities")).json()["total"] == 0


async def test_too_many_rows_or_columns_are_refused_whole(api):
    rows = [ROWS[0]] + [["主体", f"V{i}", f"村{i}", "village", "C"] for i in range(MAX_ROWS + 1)]
    response = await upload(api, "roster.csv", csv_bytes(rows), "text/csv")
    assert response.status_code == 422 and "20000" in response.json()["error"]["message_en"]
    wide = [ROWS[0] + [f"x{i}" for i in range(MAX_COLUMNS)], ROWS[1]]
    response = await upload(api, "roster.csv", csv_bytes(wide), "text/csv")
    assert (
        response.status_code == 422 and str(MAX_COLUMNS) in response.json()["error"]["message_en"]
    )
    assert (await api.get("/registry/v1/entities")).json()["total"] == 0


async def test_a_body_over_the_upload_cap_is_413(api):
    response = await upload(api, "roster.csv", b"a" * (9 * 1024 * 1024), "text/csv")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "http_413"
