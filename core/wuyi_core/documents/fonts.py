"""The Chinese font embedded in every PDF: Noto CJK from Debian's ``fonts-noto-cjk`` package.

Debian ships Noto CJK as TrueType collections (.ttc) of CFF-outlined (PostScript) faces; fpdf2
embeds such a face as a subset (``CIDFontType0C``), which ReportLab cannot (its TTFont takes
TrueType outlines only). Face 2 of each collection is the Simplified Chinese one (SC).

``WUYI_CJK_FONT`` names another font file (``path`` or ``path#face``) for machines without the
package. When no font is found the export fails with a clear error (503, no Retry-After)
instead of a PDF whose Chinese text would show as empty boxes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from wuyi_core.errors import WuyiError

NOTO = Path("/usr/share/fonts/opentype/noto")
SC_FACE = 2


@dataclass(frozen=True)
class Face:
    path: Path
    index: int


# serif (宋体-like) for the body of official documents, sans (黑体-like) for titles
CANDIDATES = {
    "serif": (Face(NOTO / "NotoSerifCJK-Regular.ttc", SC_FACE),),
    "serif-bold": (Face(NOTO / "NotoSerifCJK-Bold.ttc", SC_FACE),),
    "sans": (Face(NOTO / "NotoSansCJK-Regular.ttc", SC_FACE),),
    "sans-bold": (Face(NOTO / "NotoSansCJK-Bold.ttc", SC_FACE),),
}


class FontMissing(WuyiError):
    """The machine lacks the font: an operator installs it; retrying does not help."""

    status = 503
    code = "font_missing"


def cjk_face(style: str = "serif") -> Face:
    """The face to embed for ``style``, or ``FontMissing`` naming the package to install."""
    override = os.environ.get("WUYI_CJK_FONT")
    if override:
        path, _, index = override.partition("#")
        faces: tuple[Face, ...] = (Face(Path(path), int(index or 0)),)
    else:
        faces = CANDIDATES[style] + CANDIDATES["serif"] + CANDIDATES["sans"]
    for face in faces:
        if face.path.is_file():
            return face
    raise FontMissing(
        "缺少中文字体，无法生成 PDF：请安装 Debian 软件包 fonts-noto-cjk"
        "（apt-get install fonts-noto-cjk）或以 WUYI_CJK_FONT 指定字体文件",
        "no Chinese font to embed in the PDF: install Debian's fonts-noto-cjk"
        " (apt-get install fonts-noto-cjk) or name a font file in WUYI_CJK_FONT",
        "font",
    )
