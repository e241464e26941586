"""The command centre's charts in a real browser (Debian's Chromium via Playwright) against one
``wuyi up`` on the demo county for the module: a township reviewer's heat map of grids × days
with the missing grids listed, the county's township comparison and campaign progress, the
插旗分布图 on its offline base, and a township of 5,000 grids whose lists stay paged. Each test
asserts what a person sees (a drawn canvas, legend and label texts, names, the pager's total);
screenshots at 1,440 and 360 px go to ``test-artifacts/``."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Locator, Page, expect

from tests.e2e.test_dashboard_browser import (  # noqa: F401  (fixtures)
    MODULE_LOOP,
    PHONE,
    Site,
    browser,
    seeded,
    shot,
    sign_in,
    site,
)

pytestmark = MODULE_LOOP

WIDE = {"width": 1440, "height": 900}
GRIDS = 5000
SLOW = 20_000  # ms: a list of 5,000 grids is computed per page on a machine the suite shares


@pytest.fixture(scope="module")
def big_township(site: Site) -> Iterator[threading.Thread]:  # noqa: F811
    """The 5,000 grids' roster import, started with the module so that it runs while the
    other tests use the browser (it takes a while: one registry write per row)."""

    def upload() -> None:
        files = {"file": ("roster.csv", roster_of(GRIDS), "text/csv")}
        with httpx.Client(base_url=site.url, headers=site.admin, timeout=900) as http:
            report = http.post("/registry/v1/imports", files=files).json()
        results.append(report)

    results: list[dict] = []
    thread = threading.Thread(target=upload, daemon=True)
    thread.start()
    thread.results = results  # type: ignore[attr-defined]
    yield thread
    thread.join(timeout=900)


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser) -> AsyncIterator[Page]:  # noqa: F811
    context = await browser.new_context(locale="zh-CN", viewport=WIDE)
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    await context.close()
    csp = [e for e in errors if "Content Security Policy" in e]
    assert not csp, csp  # ECharts draws without eval: nothing is refused by the CSP


async def drawn(chart: Locator) -> int:
    """How many pixels of the chart's canvas are painted (0: an empty canvas)."""
    canvas = chart.locator("canvas").first
    await expect(canvas).to_be_visible()
    painted: int = await canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    return painted


async def unlabelled(page: Page) -> list[str]:
    """The visible inputs a screen reader could not name (no label, aria-label or
    aria-labelledby)."""
    found: list[str] = await page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
            .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                         && !e.getAttribute('aria-labelledby'))
            .map(e => e.outerHTML.slice(0, 160))"""
    )
    return found


async def user(where: Site, username: str, role: str, scope: str | None = None) -> str:
    async with httpx.AsyncClient(base_url=where.url, headers=where.admin) as http:
        body = {"username": username, "display_name": username, "role": role, "scope": scope}
        created = await http.post("/auth/v1/users", json=body)
        assert created.status_code == 201, created.text
        return str(created.json()["password"])


async def township(where: Site, name: str) -> str:
    async with httpx.AsyncClient(base_url=where.url, headers=where.admin) as http:
        townships = (await http.get("/registry/v1/entities?kind=township")).json()["items"]
    return str(next(t["id"] for t in townships if t["name"] == name))


async def api(where: Site, path: str) -> dict:
    async with httpx.AsyncClient(base_url=where.url, headers=where.admin) as http:
        response = await http.get(path)
        assert response.status_code == 200, response.text
        return dict(response.json())


async def pager_total(page: Page, pager: str) -> str:
    return str(await page.locator(f"{pager} .el-pagination__total").inner_text())


async def test_a_township_reviewer_sees_the_heat_map_and_todays_missing_grids(
    site,  # noqa: F811
    page,
    big_township,  # the 5,000 grids' import starts now and runs meanwhile
):
    """Completeness and timeliness as DHIS2 counts them, today and over the last week, as a
    heat map of grids × days; the grids that have not reported today are listed by name."""
    town = await township(site, "东山镇")
    password = await user(site, "heat", "township_reviewer", town)
    await sign_in(page, site, "heat", password)
    await expect(page.locator("#nav-completeness")).to_be_visible()
    await page.click("#nav-completeness")
    await expect(page.locator("h2")).to_have_text("报告完整率与及时率")
    heat = page.locator("#heatmap")
    assert await drawn(heat) > 10_000
    await expect(page.locator("#heatmap-legend")).to_contain_text("按时报告")
    await expect(page.locator("#heatmap-legend")).to_contain_text("未报")
    await expect(page.locator("#today-completeness")).to_contain_text("完整率")
    await expect(page.locator("#period-timeliness")).to_contain_text("%")
    # nobody reported today in the demo (its history ends yesterday)
    today = (await api(site, f"/reporting/v1/completeness/grids?entity_id={town}&limit=1"))["to"]
    expected = await api(
        site,
        f"/reporting/v1/completeness/grids?entity_id={town}&missing_on={today}&limit=20",
    )
    first = expected["grids"][0]
    rows = page.locator("#missing .el-table__body tr")
    await expect(rows).to_have_count(min(20, expected["total"]))
    await expect(rows.first).to_contain_text(first["name"])
    await expect(rows.first).to_contain_text(first["entity_name"])
    assert str(expected["total"]) in await pager_total(page, "#missing-pager")
    await expect(page.locator(".el-loading-mask:visible")).to_have_count(0)
    assert await unlabelled(page) == []
    await shot(page, "charts-heatmap-1440")
    await page.set_viewport_size(PHONE)
    await expect(rows.first).to_contain_text(first["name"])
    assert await drawn(heat) > 1_000
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]  # no sideways scrolling on the phone
    await shot(page, "charts-heatmap-360")


async def test_the_county_compares_townships_and_follows_the_campaign(site, page):  # noqa: F811
    """比学赶超: completeness, timeliness and titles awarded per township; and the campaign's
    applications by status at the end of each day."""
    password = await user(site, "command", "county_evaluator")
    await sign_in(page, site, "command", password)
    await page.click("#nav-county")
    for chart in ("#township-rates", "#township-awards", "#campaign-progress"):
        assert await drawn(page.locator(chart)) > 5_000, chart
    rates = page.locator("#township-rates-table")
    for name in ("东山镇", "西山镇", "南山镇"):
        await expect(rates).to_contain_text(name)
    campaigns = (await api(site, "/scoring/v1/public-campaigns"))["campaigns"]
    progress = await api(site, f"/scoring/v1/campaigns/{campaigns[0]['id']}/progress")
    awarded = sum(t["awarded"] for t in progress["townships"])
    assert awarded > 0  # the demo's story awards titles
    best = progress["townships"][0]
    awards = page.locator("#township-awards-table .el-table__body tr", has_text=best["name"])
    await expect(awards).to_contain_text(str(best["awarded"]))
    legend = page.locator("#progress-legend")
    await expect(legend).to_contain_text(f"已授牌 {progress['days'][-1]['counts']['awarded']}")
    await expect(page.locator(".el-loading-mask:visible")).to_have_count(0)
    assert await unlabelled(page) == []
    await shot(page, "charts-county-1440")
    await page.set_viewport_size(PHONE)
    assert await drawn(page.locator("#campaign-progress")) > 1_000
    await shot(page, "charts-county-360")
    await page.click("#language")  # the language switch sets the page's lang
    await expect(page.locator("h2")).to_contain_text("townships compared")
    assert await page.evaluate("document.documentElement.lang") == "en"
    await expect(legend).to_contain_text("Awarded")


async def test_the_flag_map_shows_entities_by_status_on_the_offline_base(site, page):  # noqa: F811
    """插旗分布图: coordinates from the registry, the base committed in the repository (a
    schematic outline of the demo county), no tiles from anywhere."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    password = await user(site, "flags", "county_admin")
    await sign_in(page, site, "flags", password)
    await page.click("#nav-map")
    assert await drawn(page.locator("#flag-map")) > 20_000
    campaigns = (await api(site, "/scoring/v1/public-campaigns"))["campaigns"]
    listed = await api(site, f"/scoring/v1/applications?campaign_id={campaigns[0]['id']}")
    awarded = {a["entity_id"] for a in listed["applications"] if a["status"] == "awarded"}
    legend = page.locator("#map-legend")
    await expect(legend).to_contain_text(f"已授牌 {len(awarded)}")
    await expect(legend).to_contain_text("未申报")
    await expect(page.locator("#map-note")).to_contain_text("示范县（示意图）")
    await expect(page.locator("#unlocated")).to_have_count(0)  # every entity is placed
    await expect(page.locator(".el-loading-mask:visible")).to_have_count(0)
    await shot(page, "charts-flag-map-1440")
    await page.set_viewport_size(PHONE)
    assert await drawn(page.locator("#flag-map")) > 5_000
    await shot(page, "charts-flag-map-360")
    foreign = [u for u in requests if not u.startswith(site.url)]
    assert not foreign, foreign  # nothing from the internet


def roster_of(grids: int) -> bytes:
    """A new township with one village (with coordinates) and ``grids`` level-3 grids."""
    lines = [
        "类别,编码,名称,类型,上级编码,所属主体编码,网格级别,经度,纬度",
        "主体,BIG,万格镇,乡镇,D,,,116.95,26.02",
        "主体,BIGV,万格村,村,BIG,,,116.96,26.03",
        "网格,GBIG,万格镇一级网格,,,BIG,1,,",
        "网格,GBIGV,万格村二级网格,,GBIG,BIGV,2,,",
        *(f"网格,GBIG{n:05d},第{n + 1}网格,,GBIGV,BIGV,3,," for n in range(grids)),
    ]
    return "\n".join(lines).encode("utf-8")


async def test_a_township_of_5000_grids_stays_paged_in_the_heat_map_and_missing_list(
    site,  # noqa: F811
    page,
    big_township,
):
    """Long lists are paged: a page stays usable with 5,000 grids (the rows shown are one
    page; the pager shows the total and turns pages, also from the keyboard)."""
    big_township.join(timeout=900)
    [report] = big_township.results
    assert report["accepted"] == GRIDS + 4 and report["rejected"] == 0, report["rows"][:3]
    town = await township(site, "万格镇")
    total = GRIDS + 1  # and the level-2 grid
    for _ in range(900):  # the reporting service learns of them from the registry
        known = await api(site, f"/reporting/v1/completeness/grids?entity_id={town}&limit=1")
        if known["total"] == total:
            break
        await page.wait_for_timeout(200)
    password = await user(site, "big", "township_reviewer", town)
    await sign_in(page, site, "big", password)
    await page.click("#nav-completeness")
    heat = page.locator("#heatmap")
    label = "热力图：20 个网格 × 7 天的报告情况"  # one page of rows
    await expect(heat.locator(".echart")).to_have_attribute("aria-label", label, timeout=SLOW)
    assert await drawn(heat) > 10_000
    total_text = f"共 {total} 条"
    await expect(page.locator("#heatmap-pager .el-pagination__total")).to_contain_text(total_text)
    rows = page.locator("#missing .el-table__body tr")
    await expect(rows).to_have_count(20, timeout=SLOW)
    missing_total = page.locator("#missing-pager .el-pagination__total")
    await expect(missing_total).to_contain_text(total_text, timeout=SLOW)  # none reported today
    # the next page from the keyboard: the pager's buttons are real, focusable buttons
    await page.focus("#missing-pager .btn-next")
    await page.keyboard.press("Enter")
    active = page.locator("#missing-pager .el-pager li.is-active")
    await expect(active).to_have_text("2")
    await expect(page.locator("#missing .el-loading-mask:visible")).to_have_count(0, timeout=SLOW)
    await expect(rows).to_have_count(20)
    await expect(rows.first).to_contain_text("万格村")
    last = (total + 19) // 20
    await page.locator("#missing-pager .el-pager li", has_text=str(last)).click()
    await expect(active).to_have_text(str(last))
    await expect(rows).to_have_count(total - (last - 1) * 20, timeout=SLOW)
    await page.locator("#heatmap-pager .el-pager li", has_text="2").first.click()
    await expect(page.locator("#heatmap-pager .el-pager li.is-active")).to_have_text("2")
    await expect(page.locator(".el-loading-mask:visible")).to_have_count(0, timeout=SLOW)
    assert await drawn(heat) > 10_000
    await shot(page, "charts-5000-grids-1440")
    await page.set_viewport_size(PHONE)
    await expect(page.locator("#heatmap-pager .el-pagination__total")).to_contain_text(total_text)
    await shot(page, "charts-5000-grids-360")
