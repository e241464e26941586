"""A4 PDFs laid out like the documents a county office posts (公文): a centred title, the
document number, body text, tables that repeat their header on each page, images (charts),
the issuer and date at the right, page numbers at the foot. Every text is set in the embedded
Noto CJK face (``fonts.py``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos

from wuyi_core.documents.fonts import cjk_face
from wuyi_core.errors import WuyiError


class GlyphsMissing(WuyiError):
    """A text holds characters the embedded font has no glyph for (a rare character of a
    name, an emoji): the PDF would show boxes, so it is refused, naming them."""

    status = 422
    code = "glyphs_missing"


BODY_PT = 12
LINE_MM = 7.5


class Document:
    def __init__(self, title: str) -> None:
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_margins(25, 25, 25)
        pdf.set_auto_page_break(auto=True, margin=22)
        for family, style, face_style in (("serif", "", "serif"), ("sans", "", "sans-bold")):
            face = cjk_face(face_style)
            pdf.add_font(family, style, str(face.path), collection_font_number=face.index)
        pdf.set_title(title)
        pdf.set_creator("Wuyi (无疫)")
        pdf.set_lang("zh-CN")
        pdf.alias_nb_pages()
        self.pdf = pdf
        self._footer = True
        pdf.footer = self._page_number  # type: ignore[method-assign]
        pdf.add_page()

    def _page_number(self) -> None:
        pdf = self.pdf
        pdf.set_y(-15)
        pdf.set_font("serif", size=9)
        pdf.cell(0, 6, f"第 {pdf.page_no()} 页 共 {{nb}} 页", align=Align.C)

    def title(self, text: str) -> None:
        self.pdf.set_font("sans", size=18)
        self.pdf.multi_cell(0, 11, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(2)

    def centred(self, text: str, size: float = BODY_PT) -> None:
        self.pdf.set_font("serif", size=size)
        self.pdf.multi_cell(0, LINE_MM, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, keep_mm: float = 40) -> None:
        """A section heading, moved to the next page unless ``keep_mm`` of what follows fits
        under it (no heading alone at the foot of a page)."""
        if self.pdf.get_y() + 9 + keep_mm > self.pdf.page_break_trigger:
            self.pdf.add_page()
        self.pdf.ln(2)
        self.pdf.set_font("sans", size=14)
        self.pdf.multi_cell(0, 9, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, indent: bool = True) -> None:
        """Body text; a paragraph of an official document begins two characters in."""
        self.pdf.set_font("serif", size=BODY_PT)
        lead = "\u3000\u3000" if indent else ""
        self.pdf.multi_cell(0, LINE_MM, lead + text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def space(self, mm: float = 4) -> None:
        self.pdf.ln(mm)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        widths: Sequence[int],
        aligns: Sequence[str] | None = None,
    ) -> None:
        """A bordered table whose header repeats on every page it runs onto."""
        self.pdf.set_font("serif", size=10.5)
        head = FontFace(family="sans", emphasis="NONE", fill_color=(235, 235, 235))
        with self.pdf.table(
            col_widths=tuple(widths),
            text_align=tuple(aligns or ["CENTER"] * len(headers)),
            headings_style=head,
            line_height=6.5,
            repeat_headings=1,
            padding=1.2,
        ) as table:
            first = table.row()
            for text in headers:
                first.cell(text, align=Align.C)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))
        self.pdf.ln(2)

    def image(self, png: bytes, width_mm: float) -> None:
        left = (self.pdf.w - width_mm) / 2
        self.pdf.image(io.BytesIO(png), x=left, w=width_mm)
        self.pdf.ln(2)

    def signature(self, issuer: str, day: str) -> None:
        """The issuing body and the date, at the right, as under an official document."""
        self.pdf.ln(8)
        self.pdf.set_font("serif", size=BODY_PT)
        for text in (issuer, day):
            self.pdf.multi_cell(
                0, LINE_MM, text, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )

    def bytes(self) -> bytes:
        """The PDF, unless a character was set that the font cannot show."""
        missing = sorted({chr(c) for font in self.pdf.fonts.values()
                          for c in getattr(font, "missing_glyphs", [])})  # fmt: skip
        if missing:
            shown = "".join(missing[:20])
            raise GlyphsMissing(
                f"以下字符在中文字体中没有字形，PDF 无法正确显示：{shown}；请改用 DOCX 导出",
                f"the Chinese font has no glyph for: {shown}; export the DOCX instead",
                "font",
            )
        return bytes(self.pdf.output())
