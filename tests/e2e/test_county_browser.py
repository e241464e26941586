"""The county's pages in a real browser (Debian's Chromium driven by Playwright) against one
``wuyi up`` on the demo county per module: a campaign launched from a seed preset with a field
error shown where it belongs; an inspection scored on the rubric with evidence stored by the
service, on a 1,440-px screen and a 360-px phone; an award that then shows on the public honor
list; a delisting with its reason that moves the entity to the delisting list; objections
ruled one at a time and all at once. Menus show only what the role may use. Screenshots go to
``test-artifacts/``."""

from __future__ import annotations

import asyncio
import shutil
import struct
import zlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.test_dashboard_browser import MODULE_LOOP, PHONE, browser, phone, shot  # noqa: F401
from tests.e2e.test_embedded_cli import Server, run, seeded  # noqa: F401

pytestmark = MODULE_LOOP

RUBRIC = "seed-003-compound-v1"
WIDE = {"width": 1440, "height": 900}
COUNTY_STAGE = {
    "key": "county_evaluation",
    "name": "县级评定",
    "act": "inspect",
    "level": "county",
    "accepts": True,
}


class County:
    """The running demo county, with a county admin's bearer token for setting scenes up."""

    def __init__(self, server: Server, admin: dict[str, str], evaluator: dict[str, str]) -> None:
        self.url = server.url
        self.admin = admin
        self.evaluator = evaluator
        self.campaigns = 0

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=self.admin, timeout=30)

    async def user(self, username: str, role: str) -> str:
        async with self.http() as http:
            body = {"username": username, "display_name": f"{username}同志", "role": role}
            created = await http.post("/auth/v1/users", json=body)
            assert created.status_code == 201, created.text
            return str(created.json()["password"])

    async def rubric(self) -> dict[str, Any]:
        async with self.http() as http:
            rubrics = (await http.get("/scoring/v1/rubrics")).json()
        return next(r for r in rubrics if r["id"] == RUBRIC)

    async def submitted(self, award_title: str, notice: bool) -> tuple[str, str]:
        """A village's application, self-assessed at full marks and submitted in a new
        campaign whose one stage is the county's evaluation; returns its id and the village."""
        self.campaigns += 1
        rubric = await self.rubric()
        full = {
            i["id"]: True if i["max_points"] is None else i["max_points"]
            for s in rubric["sections"]
            for i in s["items"]
        }
        async with self.http() as http:
            campaign = await http.post(
                "/scoring/v1/campaigns",
                json={
                    "title": f"{award_title}创建活动",
                    "doc_number": f"测〔2026〕{self.campaigns}号",
                    "issuer": "示范县",
                    "award_title": award_title,
                    "entity_kinds": ["village", "community"],
                    "rubric_id": RUBRIC,
                    "review_chain": {"stages": [COUNTY_STAGE], "public_notice": notice},
                },
            )
            assert campaign.status_code == 201, campaign.text
            path = f"/scoring/v1/campaigns/{campaign.json()['id']}/batches"
            today = date.today()
            batch = await http.post(
                path,
                json={
                    "name": "首批",
                    "opens_on": str(today - timedelta(days=1)),
                    "closes_on": str(today + timedelta(days=14)),
                },
            )
            villages = (await http.get("/registry/v1/entities?kind=village&limit=100")).json()
            for village in villages["items"]:
                body = {"campaign_id": campaign.json()["id"], "batch_id": batch.json()["id"]}
                opened = await http.post(
                    "/scoring/v1/applications", json={**body, "entity_id": village["id"]}
                )
                if opened.status_code != 201:
                    continue
                url = f"/scoring/v1/applications/{opened.json()['id']}"
                await http.post(f"{url}/self-assessment", json={"scores": full})
                if (await http.post(f"{url}/submission", json={})).status_code == 200:
                    return str(opened.json()["id"]), str(village["name"])
        pytest.fail("no village of the demo could apply")

    async def inspected(self, award_title: str, notice: bool) -> tuple[str, str]:
        """As ``submitted``, then inspected at full marks by a county evaluator."""
        application_id, village = await self.submitted(award_title, notice)
        rubric = await self.rubric()
        full = {
            i["id"]: True if i["max_points"] is None else i["max_points"]
            for s in rubric["sections"]
            for i in s["items"]
        }
        async with httpx.AsyncClient(base_url=self.url, headers=self.evaluator) as http:
            body = {"kind": "open", "scores": full}
            url = f"/scoring/v1/applications/{application_id}/inspections"
            done = await http.post(url, json=body)
            assert done.status_code == 201, done.text
        return application_id, village


def bearer(data: Path, role: str) -> dict[str, str]:
    jwt = run("token", "--data", str(data), "--tenant", "demo", "--role", role)
    return {"Authorization": f"Bearer {jwt.stdout.strip()}"}


@pytest.fixture(scope="module")
def county(seeded, tmp_path_factory) -> Iterator[County]:  # noqa: F811
    data = tmp_path_factory.mktemp("county") / "data"
    shutil.copytree(seeded, data)
    server = asyncio.run(Server(data).ready())
    site = County(server, bearer(data, "county_admin"), bearer(data, "county_evaluator"))
    try:
        yield site
    finally:
        server.stop()


@pytest.fixture
def screen(phone: Page) -> Page:  # noqa: F811
    """A browser page at zh-CN, failing its test on any CSP refusal (``phone``'s checks)."""
    return phone


async def sign_in(page: Page, county: County, username: str, password: str) -> None:
    await page.goto(f"{county.url}/#/sign-in")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("#sign-in-button")
    await expect(page.locator("#sign-out")).to_be_visible()


def png(path: Path) -> Path:
    """A small real PNG (a red square), as a phone photo would be."""
    row = b"\x00" + b"\xb9\x1c\x1c" * 8
    chunks = [
        (b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)),
        (b"IDAT", zlib.compress(row * 8)),
        (b"IEND", b""),
    ]
    body = b"".join(
        struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
        for tag, data in chunks
    )
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


async def test_a_county_admin_launches_a_campaign_from_a_seed_preset_and_opens_a_batch(
    county, screen
):
    """Issue #11: "campaign set-up from a rubric or a seed preset, batches, phases and
    quotas"; "Errors from the API show their Chinese message next to the field they name"."""
    password = await county.user("chief", "county_admin")
    await screen.set_viewport_size(WIDE)
    await sign_in(screen, county, "chief", password)
    await expect(screen.locator("#nav-campaigns")).to_be_visible()
    await expect(screen.locator("#nav-evaluation")).to_have_count(0)  # evaluators' pages
    await screen.click("#nav-campaigns")
    await screen.fill("#campaign-title", "示范县“无疫小区”创建活动（第二期）")
    await screen.fill("#campaign-doc-number", "示政办〔2026〕3号")
    await screen.fill("#campaign-issuer", "示范县人民政府办公室")
    await screen.fill("#campaign-award-title", "无疫小区（第二期）")
    await screen.locator(".el-select", has=screen.locator("#campaign-rubric")).click()
    option = screen.locator(".el-select-dropdown__item", has_text="无疫小区（村、社区）创建标准")
    await option.click()
    preset = screen.locator(".preset-seed-003")
    await expect(preset).to_contain_text("无疫社区（村）：镇验收组验收，报县备案")
    await preset.click()
    await expect(screen.locator("#preset-chain")).to_have_text("镇验收组验收")
    await screen.fill("#campaign-pass-mark", "120")
    await screen.click("#add-phase")
    await screen.fill(".phase-name-0 input", "自评申报")
    await screen.fill(".phase-deadline-0 input", str(date.today() + timedelta(days=20)))
    await screen.fill("#quota-per-township", "1")
    await screen.click("#launch-campaign")
    field = screen.locator(".el-form-item", has=screen.locator("#campaign-pass-mark"))
    await expect(field.locator(".el-form-item__error")).to_contain_text("不能超过评分标准满分 100")
    await screen.fill("#campaign-pass-mark", "90")
    await screen.click("#launch-campaign")
    await expect(screen.locator("#campaign-created")).to_contain_text("示范县“无疫小区”创建活动")
    detail = screen.locator("#campaign-detail")
    await expect(detail).to_contain_text("示政办〔2026〕3号")
    await expect(detail).to_contain_text("合格线 90 分")
    await expect(detail).to_contain_text("自评申报")
    await screen.fill("#batch-name", "首批")
    await screen.fill("#batch-opens-on", str(date.today()))
    await screen.fill("#batch-closes-on", str(date.today() + timedelta(days=30)))
    await screen.click("#open-batch")
    await expect(screen.locator("#batches .el-table__body tr")).to_have_count(1)
    await expect(screen.locator("#campaigns")).to_contain_text("镇验收组验收")
    await screen.locator("#batches .show-quota").click()
    await expect(screen.locator("#quota-status")).to_contain_text("未完成申报指标")
    await shot(screen, "county-campaigns-1440")


async def test_an_inspection_is_scored_from_the_rubric_with_evidence_and_a_live_total(
    county, screen, tmp_path
):
    """Issue #11: "an inspection scoring form generated from the rubric (points per item, veto
    items, evidence attachments stored by the service)"; the total is the rubric's, live."""
    _, village = await county.submitted("无疫村（评定测试）", notice=False)
    password = await county.user("inspector", "county_evaluator")
    await screen.set_viewport_size(WIDE)
    await sign_in(screen, county, "inspector", password)
    await expect(screen.locator("#nav-evaluation")).to_be_visible()
    await expect(screen.locator("#nav-campaigns")).to_have_count(0)  # the county admin's
    await screen.click("#nav-evaluation")
    row = screen.locator("#county-queue .el-table__body tr", has_text=village)
    await row.locator(".open-application").click()
    await expect(screen.locator("#application-title")).to_contain_text(village)
    rubric = await county.rubric()
    for section in rubric["sections"]:
        for item in section["items"]:
            if item["max_points"] is not None:
                points = screen.locator(f'[data-item="{item["id"]}"] input')
                await points.fill(str(item["max_points"]))
                await points.press("Tab")
    await expect(screen.locator("#live-total")).to_have_text("100")
    over = screen.locator('[data-item="measures.in_place"] input')
    await over.fill("35")  # above the item's maximum of 20: held to it
    await over.press("Tab")
    await expect(over).to_have_value("20.0")
    await over.fill("17.5")
    await over.press("Tab")
    await expect(screen.locator("#live-total")).to_have_text("97.5")
    veto = screen.locator('[data-item="precondition.no_active_outbreak"] .el-switch')
    await veto.click()
    await expect(screen.locator("#vetoes-failed")).to_contain_text("否决项不符合")
    await veto.click()
    await expect(screen.locator("#vetoes-failed")).to_have_count(0)
    await screen.set_input_files("#evidence-file", str(png(tmp_path / "卡口值守.png")))
    await expect(screen.locator("#evidence-list")).to_contain_text("卡口值守.png")
    await shot(screen, "county-inspection-1440")
    await screen.set_viewport_size(PHONE)
    width = await screen.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]  # the form fits a phone
    await shot(screen, "county-inspection-360")
    await screen.click("#submit-inspection")
    await expect(screen.locator("#final-score")).to_have_text("97.5")
    await expect(screen.locator("#application-status")).to_have_text("县级评定中")
    await expect(screen.locator("#evaluation-done")).to_contain_text("97.5")
    link = screen.locator("#inspections .evidence-link")
    await expect(link).to_have_text("附件1")
    async with screen.expect_download() as download:
        await link.click()
    assert (await (await download.value).path()).read_bytes().startswith(b"\x89PNG")


async def test_an_award_with_its_reason_then_shows_on_the_public_honor_list(county, screen):
    """Issue #11: "an award that appears on the public honor list"; the award states why."""
    _, village = await county.inspected("无疫村（授牌测试）", notice=False)
    password = await county.user("awarder", "county_evaluator")
    await screen.set_viewport_size(WIDE)
    await sign_in(screen, county, "awarder", password)
    await screen.click("#nav-titles")
    rows = screen.locator("#awaiting .el-table__body tr", has_text=village)
    row = rows.filter(has_text="无疫村（授牌测试）")
    await row.locator(".start-award").click()
    await screen.click("#confirm-award")
    field = screen.locator(".el-form-item", has=screen.locator("#award-note"))
    await expect(field.locator(".el-form-item__error")).to_have_text("请填写理由")
    await screen.fill("#award-note", "县级评定 100 分，达到合格线，予以授牌")
    await screen.click("#confirm-award")
    await expect(screen.locator("#titles-done")).to_contain_text(f"已授牌：{village}")
    await expect(screen.locator("#holders")).to_contain_text("无疫村（授牌测试）")
    await screen.goto(county.url)
    honor = screen.locator("#honor .el-table__body tr", has_text="无疫村（授牌测试）")
    await expect(honor).to_contain_text(village)
    await expect(screen.locator("#honor .el-loading-mask")).to_have_count(0)
    await shot(screen, "county-award-honor-list-1440")


async def test_a_delisting_with_its_reason_moves_the_entity_to_the_delisting_list(county, screen):
    """Issue #11: "a case that makes the entity disappear from it and appear on the delisting
    list" — here the county's decision, with a reason kind the API accepts and a note."""
    async with county.http() as http:
        listed = (await http.get("/scoring/v1/honor-list?tenant=demo")).json()["holders"]
        gone = (await http.get("/scoring/v1/delistings?tenant=demo")).json()["delistings"]
    names = [h["entity_name"] for h in listed]
    target = next(
        h
        for h in listed
        if h["award_title"] == "无疫村（社区）"
        and names.count(h["entity_name"]) == 1
        and h["entity_name"] not in {d["entity_name"] for d in gone}
    )
    name = target["entity_name"]
    password = await county.user("delister", "county_evaluator")
    await screen.set_viewport_size(WIDE)
    await sign_in(screen, county, "delister", password)
    await screen.click("#nav-titles")
    row = screen.locator("#holders .el-table__body tr", has_text=name)
    await row.locator(".start-delisting").click()
    await screen.locator(".reason-fraud").click()
    await screen.click("#confirm-delisting")  # no note: the API names the field
    field = screen.locator(".el-form-item", has=screen.locator("#delisting-note"))
    await expect(field.locator(".el-form-item__error")).to_have_text("不能为空")
    await shot(screen, "county-delisting-1440")
    await screen.fill("#delisting-note", "复核发现台账系事后补录，弄虚作假")
    await screen.click("#confirm-delisting")
    await expect(screen.locator("#titles-done")).to_contain_text(f"已摘牌：{name}（弄虚作假）")
    await expect(screen.locator("#holders")).not_to_contain_text(name)
    await screen.goto(county.url)
    await expect(screen.locator("#delisted .el-table__body tr", has_text=name)).to_contain_text(
        "弄虚作假"
    )
    await expect(screen.locator("#honor")).not_to_contain_text(name)
    await screen.set_viewport_size(PHONE)
    await screen.goto(f"{county.url}/#/county/titles")
    await expect(screen.locator("#recent-delistings")).to_contain_text(name)
    assert await screen.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    await shot(screen, "county-titles-360")


async def test_a_public_notice_is_opened_and_its_objections_ruled_one_then_all(county, screen):
    """Issue #11: "public notice management and objection rulings"; a flood is ruled at once
    (the bulk ruling), after one ruled alone."""
    application_id, village = await county.inspected("无疫村（公示测试）", notice=True)
    password = await county.user("noticer", "county_evaluator")
    await screen.set_viewport_size(WIDE)
    await sign_in(screen, county, "noticer", password)
    await screen.click("#nav-notices")
    waiting = screen.locator("#notices-waiting .el-table__body tr", has_text=village)
    await waiting.locator(".open-notice").click()
    await expect(screen.locator("#notices-done")).to_contain_text("已发布公示 1 项")
    running = screen.locator("#notices-running .el-table__body tr", has_text=village)
    await expect(running).to_be_visible()
    async with httpx.AsyncClient(base_url=county.url) as public:
        for text in ("夜间卡口无人值守", "外来人员登记不全", "消杀记录缺失"):
            path = f"/scoring/v1/applications/{application_id}/objections"
            assert (await public.post(path, json={"text": text})).status_code == 201
    await running.locator(".show-objections").click()
    objections = screen.locator("#objections .el-table__body tr")
    await expect(objections).to_have_count(3)
    first = objections.filter(has_text="夜间卡口无人值守")
    await first.locator(".dismiss-one").click()  # no note: the API names the field
    field = screen.locator(".el-form-item", has=screen.locator("#ruling-note"))
    await expect(field.locator(".el-form-item__error")).to_have_text("不能为空")
    await screen.fill("#ruling-note", "经核实卡口24小时值守，异议不成立")
    await first.locator(".dismiss-one").click()
    await expect(first).to_contain_text("不成立")
    await expect(screen.locator("#dismiss-all")).to_have_text("全部 2 条不成立")
    await screen.fill("#ruling-note", "经现场核查，所反映问题均已落实，异议不成立")
    await screen.click("#dismiss-all")
    await expect(screen.locator("#objections .el-tag", has_text="待裁定")).to_have_count(0)
    await expect(screen.locator("#notices-done")).to_contain_text("异议不成立")
    await shot(screen, "county-notices-1440")
    await screen.set_viewport_size(PHONE)
    assert await screen.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    await shot(screen, "county-notices-360")
