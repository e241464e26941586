"""The 公示 notice as a county office posts it: title, document number, the list, the period
and where to object. Pure: it lays out the facts it is given, as DOCX or PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run
from wuyi_core.documents.pdf import Document


@dataclass(frozen=True)
class NoticeRow:
    name: str
    township: str
    score: float | None
    opens_on: date
    last_day: date  # the last day objections are taken


@dataclass(frozen=True)
class Notice:
    campaign_title: str
    doc_number: str
    issuer: str
    award_title: str
    rows: list[NoticeRow]
    contact: str | None
    public_url: str | None
    today: date

    @property
    def title(self) -> str:
        return f"关于拟授予“{self.award_title}”称号名单的公示"

    @property
    def period(self) -> str:
        if not self.rows:
            return "（当前无公示中的名单）"
        first = min(r.opens_on for r in self.rows)
        last = max(r.last_day for r in self.rows)
        return f"{_cn(first)}至{_cn(last)}"

    @property
    def intro(self) -> str:
        return (
            f"根据{self.issuer}《{self.campaign_title}》（{self.doc_number}）的要求，"
            f"经主体申报、乡镇（街道）审核推荐、县级评估验收，拟授予以下{len(self.rows)}个"
            f"单位“{self.award_title}”称号，现予以公示。"
        )

    @property
    def objection(self) -> str:
        online = f"登录{self.public_url}公示页面" if self.public_url else "通过公示页面"
        where = online + "在线提交"
        contact = f"，联系方式：{self.contact}" if self.contact else ""
        return (
            f"公示期间，任何单位和个人对名单有异议的，可{where}，或以书面形式向"
            f"{self.issuer}反映{contact}。反映情况应实事求是，提供具体事实和线索；"
            "以单位名义反映的应加盖公章，以个人名义反映的应署真实姓名。"
        )

    headers = ("序号", "单位名称", "所属乡镇（街道）", "评估得分", "公示截止")
    widths = (12, 58, 40, 22, 28)

    def table_rows(self) -> list[tuple[str, str, str, str, str]]:
        return [
            (
                str(n),
                r.name,
                r.township,
                "" if r.score is None else f"{r.score:g}",
                _cn(r.last_day),
            )
            for n, r in enumerate(self.rows, start=1)
        ]


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_pdf(notice: Notice) -> bytes:
    doc = Document(notice.title)
    doc.title(notice.title)
    doc.centred(notice.doc_number)
    doc.space()
    doc.paragraph(notice.intro)
    doc.paragraph(f"公示期：{notice.period}。")
    doc.space(2)
    doc.table(
        notice.headers,
        notice.table_rows(),
        notice.widths,
        ("CENTER", "LEFT", "LEFT", "CENTER", "CENTER"),
    )
    doc.paragraph(notice.objection)
    doc.signature(notice.issuer, _cn(notice.today))
    return doc.bytes()


def notice_docx(notice: Notice) -> bytes:
    """Word's layout of the same notice, for the office to edit and stamp: 宋体 body, 黑体
    title (East Asian font names, which Word on a Chinese system has)."""
    doc = Docx()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")

    def para(text: str, align: int | None = None, size: float = 12, bold: bool = False) -> None:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align  # type: ignore[assignment]
        _font(p.add_run(text), size, "黑体" if bold else "宋体", bold)

    para(notice.title, WD_ALIGN_PARAGRAPH.CENTER, 18, True)
    para(notice.doc_number, WD_ALIGN_PARAGRAPH.CENTER)
    para("\u3000\u3000" + notice.intro)
    para(f"\u3000\u3000公示期：{notice.period}。")
    table = doc.add_table(rows=1, cols=len(notice.headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, notice.headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), 11, "黑体", True)
    for values in notice.table_rows():
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), 11, "宋体", False)
    para("\u3000\u3000" + notice.objection)
    para(notice.issuer, WD_ALIGN_PARAGRAPH.RIGHT)
    para(_cn(notice.today), WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _font(run: Run, size: float, east_asia: str, bold: bool) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
