"""Exports of reporting (issue #11), on both backends: completeness and timeliness by township
and day as XLSX, and the weekly 通报 as a PDF with its charts."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdfium2
from openpyxl import load_workbook
from pypdf import PdfReader


async def _second_township(stack, county_id: str) -> dict[str, str]:
    town = await stack.created(
        "/registry/v1/entities", {"name": "西城镇", "kind": "township", "parent_id": county_id}
    )
    village = await stack.created(
        "/registry/v1/entities", {"name": "南岭村", "kind": "village", "parent_id": town["id"]}
    )
    g1 = await stack.created("/registry/v1/grids", {"name": "西城一级", "level": 1,
                                                     "entity_id": town["id"]})  # fmt: skip
    g2 = await stack.created(
        "/registry/v1/grids",
        {"name": "南岭二级", "level": 2, "entity_id": village["id"], "parent_grid_id": g1["id"]},
    )
    for item in (town, village, g1, g2):
        await stack.replicated(item["id"])
    return {"township": town["id"], "g2": g2["id"]}


async def _reported_today(stack, town) -> dict[str, str]:
    """东安镇: a level-3 grid at 16:00, the level-2 at 17:30 (its deadline), one missing;
    西城镇: on time."""
    west = await _second_township(stack, town["county"])
    stack.move_to(16, 0)
    await stack.report(town["g3a"])
    await stack.report(west["g2"])
    stack.move_to(17, 30)
    await stack.report(town["g2"])
    stack.move_to(20, 0)
    return west


def _pdf_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in document))


async def test_completeness_by_township_and_day_exports_one_row_per_day_and_a_total(stack, town):
    await _reported_today(stack, town)
    got = await stack.get(
        f"/reporting/v1/exports/completeness.xlsx?entity_id={town['county']}&to={stack.day}",
        role="county_evaluator",
    )
    assert got.status_code == 200, got.text
    sheet = load_workbook(io.BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    first = stack.day - timedelta(days=6)
    assert rows[0][0] == f"县网格日报完整率与及时率（{first} 至 {stack.day}）"
    assert rows[1] == ("乡镇（街道）", "日期", "应报", "已报", "按时", "完整率", "及时率",
                       "未报网格数")  # fmt: skip
    body = rows[2:]
    assert [r[0] for r in body] == ["东安镇"] * 8 + ["西城镇"] * 8  # 7 days and a total each
    today = {r[0]: r for r in body if r[1] == stack.day.isoformat()}
    assert today["东安镇"][2:] == (3, 2, 2, 0.6667, 0.6667, 1)
    assert today["西城镇"][2:] == (1, 1, 1, 1.0, 1.0, 0)
    total = next(r for r in body if r[0] == "东安镇" and r[1] == "合计")
    assert total[2:5] == (21, 2, 2)
    assert sheet.cell(row=3, column=6).number_format == "0.0%"


async def test_the_weekly_bulletin_is_a_pdf_with_its_charts_and_names_townships_behind(stack, town):
    """Seed 001: "进一步建立定期考核和通报机制 … 对措施不力、进展迟缓的予以通报批评"."""
    await _reported_today(stack, town)
    got = await stack.get(
        f"/reporting/v1/exports/weekly-bulletin.pdf?entity_id={town['county']}&to={stack.day}",
        role="county_admin",
    )
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/pdf"
    pages = len(PdfReader(io.BytesIO(got.content)).pages)
    assert pages == 2
    text = _pdf_text(got.content)
    for expected in ("县无疫创建网格日报情况通报", "应报日报28份", "已报3份", "东安镇", "西城镇",
                     "通报批评", "第1页共2页"):  # fmt: skip
        assert expected in text, expected
    assert len(re.findall(rb"/Subtype\s*/Image", got.content)) == 2  # the two charts
    assert b"/FontFile3" in got.content


async def test_exports_of_reporting_are_scoped_to_the_readers_townships(stack, town):
    west = await _reported_today(stack, town)
    url = "/reporting/v1/exports/completeness.xlsx?entity_id={}"
    own = await stack.get(url.format(town["township"]), role="township_reviewer",
                          scope=town["township"])  # fmt: skip
    assert own.status_code == 200
    rows = list(load_workbook(io.BytesIO(own.content)).active.iter_rows(values_only=True))
    assert {r[0] for r in rows[2:]} == {"东安镇"}
    yesterday = stack.day - timedelta(days=1)  # by default the week ends on the last whole day
    assert rows[0][0].endswith(f"（{yesterday - timedelta(days=6)} 至 {yesterday}）")
    other = await stack.get(url.format(west["township"]), role="township_reviewer",
                            scope=town["township"])  # fmt: skip
    assert other.status_code == 403
    grid = await stack.get(url.format(town["township"]), role="grid_member", scope=town["g2"])
    assert grid.status_code == 403
    village = await stack.get(url.format(town["village"]))
    assert village.status_code == 422 and village.json()["error"]["field"] == "entity_id"
