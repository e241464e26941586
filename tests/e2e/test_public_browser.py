"""Public notices, an entity's public history, the audit view and the exports in a real
browser (Debian's Chromium driven by Playwright) against one ``wuyi up`` on the demo county for
the module: an objection filed from a phone and the rate limit's message; the public history of
a delisted village without personal data; the audit view of awarded entities with the link to
the causing event in the reporting service; the exports downloaded from the page and opened
(XLSX with openpyxl, the PDF's text and pages, the DOCX's paragraphs). Screenshots go to
``test-artifacts/``."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pypdfium2
import pytest
from docx import Document as Docx
from openpyxl import load_workbook
from playwright.async_api import Page, expect
from pypdf import PdfReader

from tests.e2e import test_dashboard_browser as dashboard
from tests.e2e.test_embedded_cli import Server, run, seeded  # noqa: F401

# the browser fixtures of the dashboard's module, shared (one Chromium per test)
browser, phone = dashboard.browser, dashboard.phone
pytestmark = dashboard.MODULE_LOOP
PHONE, Site, shot, sign_in = dashboard.PHONE, dashboard.Site, dashboard.shot, dashboard.sign_in
RUBRIC = "seed-003-compound-v1"
WIDE = {"width": 1440, "height": 900}


class PublicSite(Site):
    def __init__(self, server: Server, admin: dict[str, str], data: Path) -> None:
        super().__init__(server, admin)
        self.data = data
        self.notice: dict[str, Any] = {}

    def token(self, role: str, scope: str | None = None) -> dict[str, str]:
        extra = ["--scope", scope] if scope else []
        jwt = run("token", "--data", str(self.data), "--tenant", "demo", "--role", role, *extra)
        return {"Authorization": f"Bearer {jwt.stdout.strip()}"}

    async def user(self, http: httpx.AsyncClient, username: str, role: str) -> str:
        body = {"username": username, "display_name": "县评估员", "role": role}
        created = await http.post("/auth/v1/users", json=body)
        assert created.status_code == 201, created.text
        return str(created.json()["password"])

    async def in_public_notice(self) -> dict[str, Any]:
        """A new campaign with one village walked to public notice (公示) through the API."""
        async with httpx.AsyncClient(base_url=self.url, headers=self.admin) as http:
            campaign = await http.post("/scoring/v1/campaigns", json={
                "title": "示范县无疫村创建活动（公示测试）", "doc_number": "示防办〔2026〕8号",
                "issuer": "示范县疫情防控指挥部办公室", "award_title": "无疫村（测试）",
                "entity_kinds": ["village", "community"], "rubric_id": RUBRIC,
            })  # fmt: skip
            assert campaign.status_code == 201, campaign.text
            campaign_id = campaign.json()["id"]
            today = date.today()
            batch = await http.post(f"/scoring/v1/campaigns/{campaign_id}/batches", json={
                "name": "首批", "opens_on": str(today - timedelta(days=1)),
                "closes_on": str(today + timedelta(days=14)),
            })  # fmt: skip
            [rubric] = [r for r in (await http.get("/scoring/v1/rubrics")).json()
                        if r["id"] == RUBRIC]  # fmt: skip
            scores = {
                i["id"]: True if i["max_points"] is None else i["max_points"]
                for section in rubric["sections"]
                for i in section["items"]
            }
            villages = (await http.get("/registry/v1/entities?kind=village&limit=100")).json()
            for village in villages["items"]:
                body = {"campaign_id": campaign_id, "batch_id": batch.json()["id"]}
                opened = await http.post(
                    "/scoring/v1/applications", json={**body, "entity_id": village["id"]}
                )
                if opened.status_code != 201:
                    continue  # not a candidate (already holds a title, not eligible)
                app = opened.json()
                url = f"/scoring/v1/applications/{app['id']}"
                await http.post(f"{url}/self-assessment", json={"scores": scores})
                if (await http.post(f"{url}/submission", json={})).status_code != 200:
                    continue
                town = self.token("township_reviewer", app["township_id"])
                county = self.token("county_evaluator")
                steps = [
                    (f"{url}/township-review", {"decision": "approve"}, town),
                    (f"{url}/recommendation", {}, town),
                    (f"{url}/inspections", {"kind": "open", "scores": scores}, county),
                    (f"{url}/public-notice", {}, county),
                ]
                for path, step, who in steps:
                    done = await http.post(path, json=step, headers=who)
                    assert done.status_code in (200, 201), done.text
                return {"campaign_id": campaign_id, "application_id": app["id"],
                        "village": village["name"]}  # fmt: skip
        pytest.fail("no village of the demo could apply")


@pytest.fixture(scope="module")
def site(seeded, tmp_path_factory) -> Iterator[PublicSite]:  # noqa: F811
    data = tmp_path_factory.mktemp("public") / "data"
    shutil.copytree(seeded, data)
    server = asyncio.run(Server(data).ready())
    jwt = run("token", "--data", str(data), "--tenant", "demo", "--role", "county_admin")
    admin = {"Authorization": f"Bearer {jwt.stdout.strip()}"}
    try:
        public = PublicSite(server, admin, data)
        public.notice = asyncio.run(public.in_public_notice())
        yield public
    finally:
        server.stop()


async def evaluator(site: PublicSite, page: Page, username: str) -> None:
    async with httpx.AsyncClient(base_url=site.url, headers=site.admin) as http:
        password = await site.user(http, username, "county_evaluator")
    await sign_in(page, site, username, password)
    await expect(page.locator("#who")).to_be_visible()


async def test_the_public_objects_to_a_notice_on_a_phone_and_meets_the_rate_limit(site, phone):
    """Issue #11: "open public notices with an objection form"; the objection endpoint's rate
    limit (5 an hour from one client) answers 429, whose Chinese message the form shows."""
    village = site.notice["village"]
    await phone.goto(f"{site.url}/#/public/notices")
    row = phone.locator("#notices .notice-row", has_text=village)
    await expect(row).to_have_count(1)
    await row.locator(".object-button").click()
    await phone.click("#objection-submit")  # nothing written: the message under the field
    field = phone.locator(".el-form-item", has=phone.locator("#objection-text"))
    await expect(field.locator(".el-form-item__error")).to_contain_text("请填写异议内容")
    await phone.fill("#objection-text", "该村垃圾中转站三天未清运，与评估材料不符")
    await phone.fill("#objection-contact", "13800000999")
    await phone.click("#objection-submit")
    await expect(phone.locator("#objection-done")).to_contain_text(f"异议已提交：{village}")
    width = await phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]  # no sideways scrolling on the phone
    await shot(phone, "public-notice-objection-360")

    url = f"/scoring/v1/applications/{site.notice['application_id']}/objections"
    async with httpx.AsyncClient(base_url=site.url) as http:  # the same client address
        for n in range(4):
            filed = await http.post(url, json={"text": f"第{n}条异议：卡口无人值守"})
            assert filed.status_code == 201, filed.text
    await phone.fill("#objection-text", "第六条异议")
    await phone.click("#objection-submit")
    await expect(phone.locator("#objection-error")).to_contain_text(
        "每个来源每小时最多提交 5 条异议"
    )
    await shot(phone, "public-notice-rate-limited-360")


async def test_an_entitys_public_history_shows_award_and_delisting_without_personal_data(
    site, phone
):
    await phone.set_viewport_size(WIDE)
    await phone.goto(site.url)
    delisted = phone.locator("#delisted .history-link").first
    name = await delisted.inner_text()
    await delisted.click()
    await expect(phone.locator("#history-name")).to_contain_text(name)
    await expect(phone.locator("#history-name")).to_contain_text("现未持有称号")
    history = phone.locator("#history")
    for text in ("公示", "授牌", "摘牌", "发生病例", "示范县"):
        await expect(history).to_contain_text(text)
    page_text = await phone.locator("main").inner_text()
    for private in ("1380000", "异议不成立", "county-inspector", "entity-admin", "审计链"):
        assert private not in page_text, private  # no people, phones, notes; no audit link
    await shot(phone, "public-history-1440")


async def test_the_audit_view_shows_each_decision_and_links_the_cause_in_reporting(site, phone):
    """DOMAIN.md: "the audit timeline shows every event that led to its current state: actor,
    role, time, reason, evidence, and the causing event (causation) and request (correlation)"."""
    async with httpx.AsyncClient(base_url=site.url) as http:
        holders = (await http.get("/scoring/v1/honor-list?tenant=demo")).json()["holders"]
        lost = (await http.get("/scoring/v1/delistings?tenant=demo")).json()["delistings"]
    await phone.set_viewport_size(WIDE)
    await evaluator(site, phone, "auditor")

    await phone.goto(f"{site.url}/#/audit/{holders[0]['entity_id']}")
    awarded = phone.locator(".audit-entry", has=phone.locator(".audit-type", has_text="授牌"))
    await expect(awarded).to_have_count(1)
    await expect(awarded).to_contain_text("county_evaluator")  # the deciding actor's role
    await expect(awarded).to_contain_text("correlation")
    inspected = phone.locator(".audit-entry", has=phone.locator(".audit-type", has_text="县级评估"))
    await expect(inspected.first).to_contain_text("county-inspector")
    await shot(phone, "audit-awarded-1440")

    [case] = [d for d in lost if d["reason"] == "case"]
    await phone.goto(f"{site.url}/#/audit/{case['entity_id']}")
    struck = phone.locator(".audit-entry", has=phone.locator(".audit-type", has_text="摘牌"))
    await expect(struck).to_contain_text(case["cause_event_id"])
    await struck.locator(".cause-link").click()
    cause = phone.locator(f"#event-{case['cause_event_id']}")
    await expect(cause).to_have_class(re.compile("highlighted"))
    await expect(cause).to_contain_text("报告服务")
    await expect(cause).to_contain_text("病例报告")
    await struck.locator(".verify-cause").click()
    await expect(struck.locator(".cause-record")).to_contain_text("报告服务日志")
    await expect(struck.locator(".cause-record")).to_contain_text("hash")
    await shot(phone, "audit-delisted-cause-1440")


async def choose(page: Page, campaign: str) -> None:
    await page.locator(".el-select", has=page.locator("#export-campaign")).click()
    await page.locator(".el-select-dropdown__item:visible", has_text=campaign).click()


async def _downloaded(page: Page, button: str) -> bytes:
    async with page.expect_download() as info:
        await page.click(button)
    download = await info.value
    path = await download.path()
    await expect(page.locator("#export-done")).to_contain_text(download.suggested_filename)
    return Path(path).read_bytes()


async def test_exports_are_downloaded_from_the_page_and_open(site, phone):
    await phone.set_viewport_size(WIDE)
    await evaluator(site, phone, "exporter")
    await phone.goto(f"{site.url}/#/exports")
    await choose(phone, "公示测试")

    pdf = await _downloaded(phone, "#export-notice-pdf")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    document = pypdfium2.PdfDocument(pdf)
    text = re.sub(r"\s+", "", "".join(p.get_textpage().get_text_range() for p in document))
    for expected in ("关于拟授予“无疫村（测试）”称号名单的公示", "示防办〔2026〕8号",
                     site.notice["village"], "公示期", "示范县疫情防控指挥部办公室"):  # fmt: skip
        assert expected in text, expected

    await phone.fill("#notice-contact", "示范县创建办 0598-1234567")
    docx = Docx(io.BytesIO(await _downloaded(phone, "#export-notice-docx")))
    paragraphs = [p.text for p in docx.paragraphs]
    assert paragraphs[:2] == ["关于拟授予“无疫村（测试）”称号名单的公示", "示防办〔2026〕8号"]
    assert any("0598-1234567" in p for p in paragraphs)
    assert docx.tables[0].rows[1].cells[1].text == site.notice["village"]

    await choose(phone, "全部活动")
    sheet = load_workbook(io.BytesIO(await _downloaded(phone, "#export-honor"))).active
    rows = list(sheet.iter_rows(values_only=True))
    async with httpx.AsyncClient(base_url=site.url) as http:
        holders = (await http.get("/scoring/v1/honor-list?tenant=demo")).json()["holders"]
    assert rows[0][0] == f"无疫名单（共 {len(holders)} 个）"
    assert {r[1] for r in rows[2:]} == {h["entity_name"] for h in holders}

    sheet = load_workbook(io.BytesIO(await _downloaded(phone, "#export-completeness"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("乡镇（街道）", "日期", "应报")
    assert len({r[0] for r in rows[2:]}) == 3  # the demo's three townships
    await shot(phone, "exports-1440")
