"""Exports a county office files and posts (issue #11) and an entity's public history, on
both backends: the honor and delisting lists as XLSX, the 公示 notice as DOCX and PDF (a
Chinese font embedded, or a clear error), and a public history without personal data."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pypdfium2
import pytest
from docx import Document as Docx
from openpyxl import load_workbook
from pypdf import PdfReader

from ..conftest import advance, build_county, launch

CONTACT = "0598-6822222"
PERSONAL = ("李四", "13900001111", "王五", "张三")


def _text(pdf: bytes) -> str:
    """The PDF's text as PDFium (Chromium's PDF engine) reads it, spaces removed. (pypdf and
    pdfminer do not follow the embedded code-to-CID CMap fpdf2 writes for a CFF face.)"""
    document = pypdfium2.PdfDocument(pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    return re.sub(r"\s+", "", text)


@pytest.fixture
async def county_with_titles(stack):
    """小区1 awarded; 小区3 awarded then delisted for fraud; 小区2 in public notice with a
    member of the public's objection; notes naming people on the way."""
    county = await build_county(stack, compounds=3)
    a, b, c = county["compounds"]
    campaign = await launch(stack)
    await advance(stack, campaign, a, county["town"])
    await advance(stack, campaign, c, county["town"])
    delisted = await stack.post(
        f"/scoring/v1/entities/{c}/delisting",
        {"reason": "fraud", "note": "王五举报，经张三核实弄虚作假"},
        role="county_evaluator",
    )
    assert delisted.status_code == 200, delisted.text
    app_b = await advance(stack, campaign, b, county["town"], to="in_public_notice")
    objected = await stack.http.post(
        f"/scoring/v1/applications/{app_b}/objections",
        json={"text": "我是李四，该小区垃圾未清理", "contact": "13900001111"},
    )
    assert objected.status_code == 201, objected.text
    return stack, campaign, county


async def test_honor_and_delisting_lists_export_as_workbooks_with_one_row_each(
    county_with_titles,
):
    stack, campaign, _ = county_with_titles
    got = await stack.get(
        f"/scoring/v1/exports/honor-list.xlsx?campaign_id={campaign['id']}", role="county_admin"
    )
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "无疫名单（共 1 个）"
    assert rows[1][:4] == ("序号", "单位名称", "称号", "评估得分")
    assert [r[1:3] for r in rows[2:]] == [("小区1", "无疫小区")]
    assert isinstance(rows[2][3], int | float)  # a score stays a number for the office's sums

    got = await stack.get("/scoring/v1/exports/delistings.xlsx", role="township_reviewer",
                          scope=_town(county_with_titles))  # fmt: skip
    assert got.status_code == 200, got.text
    rows = list(load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    assert [(r[1], r[3], r[4]) for r in rows[2:]] == [("小区3", "弄虚作假", "是")]


def _town(fixture) -> str:
    return fixture[2]["town"]


async def test_the_public_notice_as_docx_and_pdf_has_title_number_list_period_and_contact(
    county_with_titles,
):
    """DOMAIN.md: "Public notice lasts N days; an upheld objection ends in rejection"; the
    notice a county posts says what is proposed, until when, and where to object."""
    stack, campaign, _ = county_with_titles
    query = f"campaign_id={campaign['id']}&contact={CONTACT}"
    today = stack.clock.now().date()
    last = today + timedelta(days=campaign["notice_days"] - 1)
    period = f"{_cn(today)}至{_cn(last)}"

    got = await stack.get(f"/scoring/v1/exports/public-notice.docx?{query}",
                          role="county_evaluator")  # fmt: skip
    assert got.status_code == 200, got.text
    doc = Docx(io.BytesIO(got.content))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "关于拟授予“无疫小区”称号名单的公示"
    assert paragraphs[1] == "宁政办〔2022〕12号"
    assert any(f"公示期：{period}。" in p for p in paragraphs)
    assert any(CONTACT in p and "宁化县人民政府办公室" in p for p in paragraphs)
    [table] = doc.tables
    assert [c.text for c in table.rows[1].cells][1:3] == ["小区2", "东安镇"]
    assert len(table.rows) == 2  # the awarded and the delisted are not in notice

    got = await stack.get(f"/scoring/v1/exports/public-notice.pdf?{query}",
                          role="county_admin")  # fmt: skip
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(got.content)).pages) == 1
    text = _text(got.content)
    for expected in ("关于拟授予“无疫小区”称号名单的公示", "宁政办〔2022〕12号", "小区2", "东安镇",
                     f"公示期：{period}", CONTACT, "第1页共1页"):  # fmt: skip
        assert expected in text, expected
    assert "小区1" not in text and "小区3" not in text
    assert b"/FontFile3" in got.content and b"NotoSerifCJKSC" in got.content  # embedded


async def test_a_pdf_export_without_the_chinese_font_fails_clearly_never_with_boxes(
    stack, monkeypatch
):
    campaign = await launch(stack)
    monkeypatch.setenv("WUYI_CJK_FONT", "/nonexistent/NotoSerifCJK-Regular.ttc")
    got = await stack.get(f"/scoring/v1/exports/public-notice.pdf?campaign_id={campaign['id']}")
    assert got.status_code == 503
    error = got.json()["error"]
    assert error["code"] == "font_missing" and error["field"] == "font"
    assert "fonts-noto-cjk" in error["message_zh"] and "fonts-noto-cjk" in error["message_en"]


async def test_exports_are_for_the_review_chain_of_the_campaigns_own_county(stack):
    campaign = await launch(stack)
    url = f"/scoring/v1/exports/honor-list.xlsx?campaign_id={campaign['id']}"
    grid = await stack.get(url, role="grid_member", scope="a-grid")
    assert grid.status_code == 403
    other = await stack.get(url, role="county_admin", tenant="t2")
    assert other.status_code == 404
    assert (await stack.http.get(url)).status_code == 401


async def test_an_entitys_public_history_shows_notices_awards_delistings_and_no_personal_data(
    county_with_titles,
):
    """Issue #11: "each entity's public history, without personal data"."""
    stack, _, county = county_with_titles
    a, b, c = county["compounds"]
    got = await stack.http.get(f"/scoring/v1/public/entities/{c}/history")
    assert got.status_code == 200, got.text
    history = got.json()
    assert history["entity_name"] == "小区3" and history["titled"] is False
    kinds = [e["kind"] for e in history["events"]]
    assert kinds == ["public_notice_opened", "awarded", "delisted"]
    assert history["events"][-1]["reason_zh"] == "弄虚作假"
    in_notice = (await stack.http.get(f"/scoring/v1/public/entities/{b}/history")).text
    for text in (got.text, in_notice):
        leaked = [p for p in PERSONAL if p in text]
        assert not leaked, leaked
        # actors' names (the test tokens name the actor after the role), notes, contacts
        for word in ("county_evaluator", "township_reviewer", "entity_admin", "note", "actor",
                     "contact", "evidence", "inspector"):  # fmt: skip
            assert word not in text, word
    missing = await stack.http.get("/scoring/v1/public/entities/nobody/history")
    assert missing.status_code == 404


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
