"""PDFs with the embedded Chinese font: the text is set in Noto CJK, and a character the font
cannot show is refused by name instead of printed as a box (issue #11's exports)."""

from __future__ import annotations

import pypdfium2
import pytest
from wuyi_core.documents.fonts import FontMissing
from wuyi_core.documents.pdf import Document, GlyphsMissing


def test_a_document_embeds_the_cjk_face_and_its_text_reads_back():
    doc = Document("公示")
    doc.title("关于拟授予“无疫小区”称号名单的公示")
    doc.table(("序号", "单位名称"), [("1", "翠园小区")], (20, 60))
    pdf = doc.bytes()
    assert b"/FontFile3" in pdf  # the CFF face, subset and embedded
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert "关于拟授予“无疫小区”称号名单的公示" in text and "翠园小区" in text


def test_a_character_the_font_cannot_show_is_refused_by_name_not_printed_as_a_box():
    doc = Document("公示")
    rare = "\U0002ebf0"  # CJK Extension I (Unicode 15.1), newer than Debian's Noto CJK
    doc.paragraph(f"某{rare}村")
    with pytest.raises(GlyphsMissing) as refused:
        doc.bytes()
    assert rare in refused.value.message_zh and refused.value.status == 422


def test_without_the_font_the_error_names_the_debian_package(monkeypatch):
    monkeypatch.setenv("WUYI_CJK_FONT", "/nonexistent/font.ttc#2")
    with pytest.raises(FontMissing) as missing:
        Document("公示")
    assert "fonts-noto-cjk" in missing.value.message_zh and missing.value.status == 503
