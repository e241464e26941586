"""Charts of the weekly 通报, drawn server-side by matplotlib (Agg, no display) as PNG with the
embedded document's Noto CJK face, so no label renders as a box."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache

from wuyi_core.documents.fonts import cjk_face

BLUE, GREEN, RED = "#2f6fb2", "#3a9a5b", "#c0392b"


@cache
def _family() -> str:
    """Register the Noto CJK collection once; the family name of its Simplified face."""
    from matplotlib import font_manager

    face = cjk_face("sans")
    font_manager.fontManager.addfont(str(face.path))
    for entry in font_manager.fontManager.ttflist:
        if entry.fname == str(face.path) and entry.index == face.index:
            return str(entry.name)
    return "sans-serif"


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=200)
    FigureCanvasAgg(fig)
    return fig


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    fig.savefig(out, format="png", bbox_inches="tight")
    return out.getvalue()


def townships_bars(
    names: Sequence[str], completeness: Sequence[float], timeliness: Sequence[float]
) -> bytes:
    """Completeness and timeliness per township, side by side, with the 90% line."""
    from matplotlib import rc_context

    with rc_context({"font.family": [_family()], "axes.unicode_minus": False}):
        fig = _figure(6.4, 3.2)
        ax = fig.add_subplot()
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], [v * 100 for v in completeness], 0.4, label="完整率",
               color=BLUE)  # fmt: skip
        ax.bar([x + 0.2 for x in xs], [v * 100 for v in timeliness], 0.4, label="及时率",
               color=GREEN)  # fmt: skip
        ax.axhline(90, color=RED, linewidth=0.8, linestyle="--", label="90%")
        ax.set_xticks(list(xs), list(names))
        ax.set_ylim(0, 105)
        ax.set_ylabel("%")
        ax.set_title("各乡镇（街道）日报完整率与及时率")
        ax.legend(loc="lower right", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)


def days_lines(
    days: Sequence[str], completeness: Sequence[float | None], timeliness: Sequence[float | None]
) -> bytes:
    """The county's completeness and timeliness day by day."""
    from matplotlib import rc_context

    with rc_context({"font.family": [_family()], "axes.unicode_minus": False}):
        fig = _figure(6.4, 2.6)
        ax = fig.add_subplot()
        labels = [d[5:] for d in days]  # MM-DD
        for values, label, color in ((completeness, "完整率", BLUE), (timeliness, "及时率", GREEN)):
            ax.plot(labels, [None if v is None else v * 100 for v in values], marker="o",
                    label=label, color=color)  # fmt: skip
        ax.set_ylim(0, 105)
        ax.set_ylabel("%")
        ax.set_title("全县逐日完整率与及时率")
        ax.legend(loc="lower right", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)
