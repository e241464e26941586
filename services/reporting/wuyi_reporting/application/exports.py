"""Exports of reporting a county office files: completeness and timeliness by township and day
(XLSX), and the weekly 通报 (PDF with its charts)."""

from __future__ import annotations

from datetime import date, timedelta

from wuyi_core.auth import Principal
from wuyi_core.documents.pdf import Document
from wuyi_core.documents.xlsx import workbook

from wuyi_reporting.application import charts
from wuyi_reporting.application.township_days import TownshipDays, by_township
from wuyi_reporting.bootstrap import Reporting
from wuyi_reporting.domain.completeness import Rates

WARN_BELOW = 0.9  # a township under 90% completeness is named in the 通报


async def completeness_xlsx(
    rep: Reporting, who: Principal, entity_id: str, first: date | None, last: date | None
) -> bytes:
    first, last = await _range(rep, who, first, last, days=7)
    name, townships = await by_township(rep, who, entity_id, first, last)
    rows: list[tuple[object, ...]] = []
    for t in townships:
        for d in t.result["days"]:
            rows.append((t.name, d["date"], *_numbers(d), len(d["missing"])))
        rows.append((t.name, "合计", *_numbers(t.result), None))
    headers = ("乡镇（街道）", "日期", "应报", "已报", "按时", "完整率", "及时率", "未报网格数")
    title = f"{name}网格日报完整率与及时率（{first.isoformat()} 至 {last.isoformat()}）"
    return workbook("完整率及时率", title, headers, rows, {5: "0.0%", 6: "0.0%"})


async def weekly_bulletin(
    rep: Reporting, who: Principal, entity_id: str, last: date | None
) -> tuple[str, list[TownshipDays], date, date]:
    first, last = await _range(rep, who, None, last, days=7)
    name, townships = await by_township(rep, who, entity_id, first, last)
    return name, townships, first, last


def bulletin_pdf(name: str, townships: list[TownshipDays], first: date, last: date) -> bytes:
    """The weekly 通报: the county's totals, a chart per township and per day, the table, and
    the townships under 90% named for rectification."""
    total = sum((_rates(t.result) for t in townships), Rates(0, 0, 0))
    title = f"{name}无疫创建网格日报情况通报"
    doc = Document(title)
    doc.title(title)
    doc.centred(f"（{_cn(first)}至{_cn(last)}）")
    doc.space()
    doc.paragraph(
        f"本周（{_cn(first)}至{_cn(last)}），{name}各网格应报日报{total.expected}份，"
        f"已报{total.received}份，完整率{_pct(total.completeness)}；"
        f"按时报送{total.on_time}份，及时率{_pct(total.timeliness)}。现将各乡镇（街道）情况通报如下。"
    )
    doc.heading("一、各乡镇（街道）情况", keep_mm=80)
    doc.image(
        charts.townships_bars(
            [t.name for t in townships],
            [t.result["completeness"] or 0.0 for t in townships],
            [t.result["timeliness"] or 0.0 for t in townships],
        ),
        150,
    )
    doc.table(
        ("乡镇（街道）", "应报", "已报", "按时", "完整率", "及时率"),
        [
            (
                t.name,
                t.result["expected"],
                t.result["received"],
                t.result["on_time"],
                _pct(t.result["completeness"]),
                _pct(t.result["timeliness"]),
            )
            for t in townships
        ],  # fmt: skip
        (50, 20, 20, 20, 25, 25),
        ("LEFT", "CENTER", "CENTER", "CENTER", "CENTER", "CENTER"),
    )
    doc.heading("二、逐日情况", keep_mm=65)
    days = _county_days(townships)
    doc.image(
        charts.days_lines(
            [d for d, _ in days], [r.completeness for _, r in days], [r.timeliness for _, r in days]
        ),
        150,
    )
    doc.heading("三、存在问题及要求")
    behind = [t for t in townships if (t.result["completeness"] or 0.0) < WARN_BELOW]
    if behind:
        named = "、".join(f"{t.name}（{_pct(t.result['completeness'])}）" for t in behind)
        doc.paragraph(
            f"本周日报完整率低于90%的乡镇（街道）：{named}，予以通报批评。请相关乡镇（街道）"
            "督促网格员按时报告，逐一核实未报网格，于下周内完成整改。"
        )
    else:
        doc.paragraph("本周各乡镇（街道）日报完整率均达到90%以上，予以通报表扬，请继续保持。")
    doc.signature(name, _cn(last))
    return doc.bytes()


def _county_days(townships: list[TownshipDays]) -> list[tuple[str, Rates]]:
    dates = [d["date"] for d in townships[0].result["days"]] if townships else []
    return [
        (day, sum((_rates(t.result["days"][n]) for t in townships), Rates(0, 0, 0)))
        for n, day in enumerate(dates)
    ]


async def _range(
    rep: Reporting, who: Principal, first: date | None, last: date | None, days: int
) -> tuple[date, date]:
    """A week ending ``last`` unless ``first`` is given; by default it ends yesterday in the
    tenant's zone, the last whole day (today's reports are still coming in, and a document
    filed in the morning would count them all missing). The completeness view checks the
    range."""
    settings, _ = await rep.reads.settings(who.tenant)
    last = last or settings.local_date(rep.clock.now()) - timedelta(days=1)
    return first or last - timedelta(days=days - 1), last


def _rates(result: dict[str, object]) -> Rates:
    return Rates(int(result["expected"]), int(result["received"]), int(result["on_time"]))  # type: ignore[call-overload]


def _numbers(result: dict[str, object]) -> tuple[object, ...]:
    keys = ("expected", "received", "on_time", "completeness", "timeliness")
    return tuple(result[key] for key in keys)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
