"""Roster import (工作底册) from CSV and XLSX: a per-row report, and nothing imported twice."""

from __future__ import annotations

import io

from openpyxl import Workbook
from wuyi_core.auth import Principal, Role
from wuyi_registry.adapters.roster_files import read_roster
from wuyi_registry.application import roster_import

ROWS = [
    [
        "类别",
        "编码",
        "名称",
        "类型",
        "上级编码",
        "所属主体编码",
        "网格级别",
        "联系人",
        "联系电话",
        "户数",
    ],
    ["主体", "C", "示范县", "county", "", "", "", "", "", ""],
    ["主体", "T1", "东安镇", "乡镇", "C", "", "", "", "", ""],
    ["主体", "V1", "西山村", "村", "T1", "", "", "联络员", "13800000001", ""],
    ["主体", "V2", "错村", "村", "C", "", "", "", "", ""],  # wrong parent kind
    ["网格", "G1", "东安一级网格", "", "", "T1", "1", "", "", ""],
    ["网格", "G2", "西山二级网格", "", "G1", "V1", "2", "", "", ""],
    ["网格", "G3", "第一网格", "", "G2", "V1", "3", "网格长", "13800000009", "12"],
    ["网格", "G4", "坏网格", "", "G9", "V1", "3", "", "", ""],  # unknown parent code
    ["网格", "", "无编码", "", "G2", "V1", "3", "", "", ""],  # no code
]


def csv_bytes(rows) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode("utf-8-sig")


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def upload(api, name: str, content: bytes):
    return await api.http.post(
        "/registry/v1/imports", files={"file": (name, content)}, headers=api.auth()
    )


async def check_report(response):
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["accepted"], report["skipped"], report["rejected"]) == (6, 0, 3)
    rejected = {r["row"]: r for r in report["rows"] if r["status"] == "rejected"}
    assert rejected[5]["field"] == "parent_id" and "上级只能是" in rejected[5]["message_zh"]
    assert rejected[9]["field"] == "parent_code"
    assert rejected[10]["field"] == "code"


async def test_csv_import_reports_each_row(api):
    await check_report(await upload(api, "roster.csv", csv_bytes(ROWS)))
    grids = (await api.get("/registry/v1/grids?level=3")).json()
    assert grids["items"][0]["households"] == 12


async def test_xlsx_import_reports_each_row(api):
    await check_report(await upload(api, "roster.xlsx", xlsx_bytes(ROWS)))


async def test_importing_the_same_file_again_imports_nothing_twice(api):
    await upload(api, "roster.csv", csv_bytes(ROWS))
    head = await api.registry.store.head()
    again = (await upload(api, "roster.csv", csv_bytes(ROWS))).json()
    assert (again["accepted"], again["skipped"]) == (0, 6)
    assert await api.registry.store.head() == head
    assert (await api.get("/registry/v1/entities")).json()["total"] == 3


async def test_an_unsupported_file_is_422_naming_file(api):
    response = await upload(api, "roster.txt", b"hello")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "file"


async def test_a_row_rejected_midway_leaves_no_key_behind_in_its_chunk(api):
    """A second county is refused only at its third unique key (kind county), after its name
    and code were claimed in the chunk's transaction: the savepoint before the row undoes
    them, so the next row may use that code and the log holds no event of the refused row."""
    rows = [
        ROWS[0],
        ["主体", "C", "示范县", "county", "", "", "", "", "", ""],
        ["主体", "C2", "另一县", "county", "", "", "", "", "", ""],
        ["主体", "C2", "东安镇", "乡镇", "C", "", "", "", "", ""],
    ]
    report = (await upload(api, "roster.csv", csv_bytes(rows))).json()
    assert [r["status"] for r in report["rows"]] == ["accepted", "rejected", "accepted"]
    assert report["rows"][1]["field"] == "kind"
    town = report["rows"][2]["id"]
    assert (await api.get(f"/registry/v1/entities/{town}")).json()["code"] == "C2"
    names = [e["name"] for e in (await api.get("/registry/v1/entities")).json()["items"]]
    assert sorted(names) == ["东安镇", "示范县"]
    assert await api.registry.store.head() == 2  # one event per accepted row


async def test_rows_refer_to_parents_in_earlier_chunks_and_progress_counts_every_row(
    api, monkeypatch
):
    """Rows are written a chunk per transaction; a row finds a parent registered in an
    earlier chunk (committed) or earlier in its own (not yet committed), the progress
    callback still counts row by row, and the followers are woken once the last chunk is in."""
    monkeypatch.setattr(roster_import, "CHUNK", 2)
    seen: list[tuple[int, int]] = []
    woken: list[int] = []
    api.registry.store.on_append(lambda: woken.append(len(seen)))
    rows = read_roster("roster.csv", csv_bytes(ROWS))
    admin = Principal(sub="tester", tenant="t1", role=Role.COUNTY_ADMIN, scope=None)
    results = await roster_import.import_rows(
        api.registry, admin, "cid", rows, lambda done, total: seen.append((done, total))
    )
    assert [r.status for r in results].count("accepted") == 6
    assert seen == [(n, len(rows)) for n in range(1, len(rows) + 1)]
    assert woken and woken[-1] == len(rows)
    level3 = (await api.get("/registry/v1/grids?level=3")).json()["items"]
    assert [g["code"] for g in level3] == ["G3"]
