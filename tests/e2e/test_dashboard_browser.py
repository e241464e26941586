"""The web application in a real browser (Debian's Chromium driven by Playwright) against one
``wuyi up`` on the demo county per module: the public lists without signing in, a grid
worker's zero report, correction and validation message on a 360-px phone, and throttled
sign-in. Screenshots go to ``test-artifacts/`` (gitignored)."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.e2e.test_embedded_cli import Server, run, seeded  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The tests of a browser module run in the module's event loop, so that one Chromium serves the
# whole module (``browser``); each test still gets a fresh context (its own cookies, storage and
# pages). Every browser module sets ``pytestmark = MODULE_LOOP``.
MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")
pytestmark = MODULE_LOOP
PHONE = {"width": 360, "height": 740}


class Site:
    def __init__(self, server: Server, admin: dict[str, str], data: Path | None = None) -> None:
        self.server = server
        self.url = server.url
        self.admin = admin
        self.data = data

    def token(self, role: str, scope: str) -> dict[str, str]:
        """A bearer token as ``wuyi token`` mints it for someone with no page to act in."""
        assert self.data is not None, "the site's data folder mints tokens"
        args = ["--tenant", "demo", "--role", role, "--scope", scope]
        jwt = run("token", "--data", str(self.data), *args)
        return {"Authorization": f"Bearer {jwt.stdout.strip()}"}

    async def grid(self, http: httpx.AsyncClient, name: str, parent: dict[str, str]) -> str:
        """A fresh grid one level below ``parent``, once the reporting service knows it."""
        level = int(parent["level"]) + 1
        body = {"name": name, "level": level, "entity_id": parent["entity_id"]}
        grid = await http.post("/registry/v1/grids", json={**body, "parent_grid_id": parent["id"]})
        grid_id = str(grid.json()["id"])
        for _ in range(100):  # the reporting service learns of it from the registry
            known = await http.get(f"/reporting/v1/grid-reports?grid_id={grid_id}")
            if known.status_code == 200:
                return grid_id
            await asyncio.sleep(0.1)
        pytest.fail(f"grid {grid_id} never reached the reporting service")

    async def user(self, http: httpx.AsyncClient, username: str, scope: str) -> str:
        body = {"username": username, "display_name": "张网格员", "role": "grid_member"}
        created = await http.post("/auth/v1/users", json={**body, "scope": scope})
        assert created.status_code == 201, created.text
        return str(created.json()["password"])

    async def worker(self, username: str, grid_name: str) -> str:
        """A fresh level-3 grid named like a demo place (nothing reported today) and a grid
        worker scoped to it."""
        async with httpx.AsyncClient(base_url=self.url, headers=self.admin) as http:
            leader = (await http.get("/registry/v1/grids?level=2&limit=1")).json()["items"][0]
            return await self.user(http, username, await self.grid(http, grid_name, leader))

    async def leader(self, username: str, place: str) -> tuple[str, str]:
        """A fresh level-2 grid with one level-3 grid below it, a leader scoped to the level-2
        grid; returns the password and the level-3 grid's id."""
        async with httpx.AsyncClient(base_url=self.url, headers=self.admin) as http:
            sibling = (await http.get("/registry/v1/grids?level=2&limit=1")).json()["items"][0]
            village = sibling["entity_id"]  # level-2 and level-3 grids belong to a village
            top = {"id": sibling["parent_grid_id"], "level": "1", "entity_id": village}
            two = await self.grid(http, f"{place}二级网格", top)
            below = {"id": two, "level": "2", "entity_id": village}
            three = await self.grid(http, f"{place}第1网格", below)
            return await self.user(http, username, two), three

    async def report(self, grid_id: str, today: str, counts: dict[str, object]) -> None:
        async with httpx.AsyncClient(base_url=self.url, headers=self.admin) as http:
            body = {"grid_id": grid_id, "date": today, "zero": False, "counts": counts}
            sent = await http.post("/reporting/v1/grid-reports", json=body)
            assert sent.status_code == 201, sent.text

    async def submitted_application(self, reviewer: str) -> tuple[str, str, dict[str, str]]:
        """A village's application, self-assessed with full marks and submitted in a new
        campaign, and a township reviewer over it; returns the password, the village and the
        application."""
        async with httpx.AsyncClient(base_url=self.url, headers=self.admin) as http:
            rubric_id = "seed-003-compound-v1"
            campaign = await http.post(
                "/scoring/v1/campaigns",
                json={
                    "title": "测试创建活动",
                    "doc_number": "测〔2026〕1号",
                    "issuer": "示范县",
                    "award_title": "无疫村（测试）",
                    "entity_kinds": ["village", "community"],
                    "rubric_id": rubric_id,
                },
            )
            campaign_id = campaign.json()["id"]
            today = date.today()
            batch = await http.post(
                f"/scoring/v1/campaigns/{campaign_id}/batches",
                json={
                    "name": "首批",
                    "opens_on": (today - timedelta(days=1)).isoformat(),
                    "closes_on": (today + timedelta(days=14)).isoformat(),
                },
            )
            rubrics = (await http.get("/scoring/v1/rubrics")).json()
            [rubric] = [r for r in rubrics if r["id"] == rubric_id]
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
                application = opened.json()
                url = f"/scoring/v1/applications/{application['id']}"
                await http.post(f"{url}/self-assessment", json={"scores": scores})
                if (await http.post(f"{url}/submission", json={})).status_code == 200:
                    user = {"username": reviewer, "display_name": "乡镇审核员"}
                    role = {"role": "township_reviewer", "scope": application["township_id"]}
                    created = await http.post("/auth/v1/users", json={**user, **role})
                    password = str(created.json()["password"])
                    return password, str(village["name"]), application
        pytest.fail("no village of the demo could apply")

    async def resubmit(self, application: dict[str, str]) -> None:
        """The applicant (the village's entity admin) assesses itself again and resubmits in
        the same batch, through the API with the entity admin's bearer token: this module tests
        the reviewer's side; the applicant's page has its own (test_applicant_browser.py)."""
        applicant = self.token("entity_admin", application["entity_id"])
        async with httpx.AsyncClient(base_url=self.url, headers=applicant) as http:
            rubrics = (await http.get("/scoring/v1/rubrics")).json()
            [rubric] = [r for r in rubrics if r["id"] == "seed-003-compound-v1"]
            scores = {
                i["id"]: True if i["max_points"] is None else i["max_points"]
                for section in rubric["sections"]
                for i in section["items"]
            }
            url = f"/scoring/v1/applications/{application['id']}"
            assessed = await http.post(f"{url}/self-assessment", json={"scores": scores})
            assert assessed.status_code == 200, assessed.text
            sent = await http.post(f"{url}/submission", json={})
            assert sent.status_code == 200, sent.text
            assert sent.json()["status"] == "submitted"

    async def holder_with_a_grid(self, worker: str) -> tuple[str, str]:
        """A demo title holder other than the village the other tests' grids belong to, a
        fresh level-3 grid of it and a grid worker scoped to that grid; returns the holder's
        name and the worker's password."""
        async with httpx.AsyncClient(base_url=self.url, headers=self.admin) as http:
            used = (await http.get("/registry/v1/grids?level=2&limit=1")).json()["items"][0]
            holders = (await http.get("/scoring/v1/honor-list?tenant=demo")).json()["holders"]
            for holder in holders:
                if holder["entity_id"] == used["entity_id"]:
                    continue
                q = f"entity_id={holder['entity_id']}&level=2&limit=1"
                twos = (await http.get(f"/registry/v1/grids?{q}")).json()["items"]
                if twos:
                    grid = await self.grid(http, "林家坳网格", twos[0])
                    return str(holder["entity_name"]), await self.user(http, worker, grid)
        pytest.fail("no demo holder has a level-2 grid")


@pytest.fixture(scope="module")
def site(seeded, tmp_path_factory) -> Iterator[Site]:  # noqa: F811
    data = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(seeded, data)
    server = asyncio.run(Server(data).ready())
    jwt = run("token", "--data", str(data), "--tenant", "demo", "--role", "county_admin")
    admin = {"Authorization": f"Bearer {jwt.stdout.strip()}"}
    # late deadlines: a grid registered by a test today is expected today at any hour
    late = {"level3_deadline": "23:58", "level2_deadline": "23:59"}
    httpx.put(f"{server.url}/reporting/v1/settings", json=late, headers=admin).raise_for_status()
    try:
        yield Site(server, admin, data)
    finally:
        server.stop()


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, driven by Playwright."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: scripts/dev-services up installs Debian's chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        await launched.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One Chromium for the module (starting one took about a second of every test)."""
    async with chromium() as launched:
        yield launched


@pytest_asyncio.fixture(loop_scope="module")
async def phone(browser) -> AsyncIterator[Page]:
    context = await browser.new_context(locale="zh-CN", viewport=PHONE)
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    await context.close()
    csp = [e for e in errors if "Content Security Policy" in e]
    assert not csp, csp  # nothing the page needs is refused by the CSP


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def sign_in(page: Page, site: Site, username: str, password: str) -> None:
    await page.goto(f"{site.url}/#/sign-in")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("#sign-in-button")


async def test_the_public_sees_the_honor_list_and_the_delisting_with_its_reason(site, phone):
    await phone.set_viewport_size({"width": 1440, "height": 900})
    await phone.goto(site.url)
    await expect(phone.locator("#title")).to_have_text("无疫创建工作指挥台")
    await expect(phone.locator("#honor .el-table__body tr")).to_have_count(4)
    await expect(phone.locator("#honor")).to_contain_text("无疫村（社区）")
    await expect(phone.locator("#delisted .el-table__body tr")).to_have_count(1)
    await expect(phone.locator("#delisted")).to_contain_text("发生病例")
    await expect(phone.locator("#services .status.ok")).to_have_count(4)  # with the notifier
    await expect(phone.locator("#tenant")).to_have_count(0)  # nobody needs to know a tenant id
    await expect(phone.locator("#campaign")).to_be_visible()
    await expect(phone.locator(".el-loading-mask:visible")).to_have_count(0)  # no spinner left
    await shot(phone, "public-lists-1440")
    await phone.click("#language")  # one catalogue per language
    await expect(phone.locator("#title")).to_have_text("Wuyi campaign dashboard")
    await expect(phone.locator("#delisted")).to_contain_text("case")


async def test_a_grid_worker_sends_a_zero_report_in_one_tap_on_a_phone(site, phone):
    password = await site.worker("zhang", "张家坪网格")
    await sign_in(phone, site, "zhang", password)
    await expect(phone.locator("#grid-name")).to_contain_text("张家坪网格")
    await expect(phone.locator("#countdown")).to_contain_text("截止")
    await expect(phone.locator("#today-status")).to_have_text("今日尚未报告")
    await shot(phone, "grid-before-360")
    await phone.click("#zero-report")
    await expect(phone.locator("#report-done")).to_contain_text("零报告已提交")
    await expect(phone.locator("#today-status")).to_contain_text("零报告")
    await expect(phone.locator("#history .el-table__body tr").first).to_contain_text("零报告")
    width = await phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]  # no sideways scrolling on the phone
    await shot(phone, "grid-zero-report-360")


async def test_a_grid_worker_corrects_today_and_sees_the_message_next_to_its_field(site, phone):
    password = await site.worker("li", "李家湾网格")
    await sign_in(phone, site, "li", password)
    await phone.click("#zero-report")
    await expect(phone.locator("#today-status")).to_contain_text("零报告")
    await phone.click("#edit-counts")
    await phone.fill("#count-vaccinated", "5")  # more than the resident population (0)
    await phone.click("#send-counts")
    field = phone.locator(".el-form-item", has=phone.locator("#count-vaccinated"))
    await expect(field.locator(".el-form-item__error")).to_contain_text(
        "已接种人数（5）不能超过常住人口（0）"
    )
    await shot(phone, "grid-validation-360")
    await phone.fill("#count-resident_population", "120")
    await phone.click("#send-counts")
    await expect(phone.locator("#report-done")).to_contain_text("更正已提交")
    await expect(phone.locator("#today-status")).to_contain_text("已更正 1 次")
    await shot(phone, "grid-correction-360")


async def test_a_level_2_leader_sees_the_roll_up_and_cannot_pass_on_a_zero_over_it(site, phone):
    """Seed 004: 二级网格长每天下午6点前向一级网格长汇报 — the leader sees what the level-3
    grids below reported before submitting, and a zero report over their findings is refused
    with the API's message."""
    password, below = await site.leader("wu", "吴家山")
    await sign_in(phone, site, "wu", password)
    await expect(phone.locator("#rollup")).to_contain_text("已报 0 / 应报 1 个网格")
    today = (await phone.locator("#grid-name").get_attribute("data-today")) or ""
    fever = {"resident_population": 80, "abnormal": {"fever": 2}}
    await site.report(below, today, fever)
    await phone.reload()
    await expect(phone.locator("#rollup")).to_contain_text("已报 1 / 应报 1 个网格")
    await expect(phone.locator("#rollup")).to_contain_text("异常人数合计 2")
    await phone.click("#zero-report")
    await expect(phone.locator("#report-error")).to_contain_text("二级网格不能报零报告")
    await shot(phone, "grid-level2-rollup-360")
    await phone.click("#edit-counts")
    await phone.fill("#count-resident_population", "80")
    await phone.fill("#count-abnormal-fever", "2")
    await phone.click("#send-counts")
    await expect(phone.locator("#report-done")).to_contain_text("报告已提交")
    await expect(phone.locator("#today-status")).to_contain_text("已报统计数")


async def test_a_township_reviewer_sends_an_application_back_with_a_note(site, phone):
    """The review queue lays the application out by its rubric (sections, items, points, veto
    items); send-back (退回整改) needs a note, whose absence is shown under the note field."""
    password, village, _ = await site.submitted_application("reviewer1")
    await phone.set_viewport_size({"width": 1440, "height": 900})
    await sign_in(phone, site, "reviewer1", password)
    row = phone.locator("#queue .el-table__body tr", has_text=village)
    await row.locator(".open-application").click()
    await expect(phone.locator("#application-title")).to_contain_text(village)
    await expect(phone.locator(".rubric-section").first).to_contain_text("否决项")
    await expect(phone.locator("#self-total")).to_have_text("100")
    await phone.click("#send-back")
    note = phone.locator(".el-form-item", has=phone.locator("#review-note"))
    await expect(note.locator(".el-form-item__error")).to_have_text("必填，不能为空")
    await phone.fill("#review-note", "防控台账不全，请补充后重新申报")
    await expect(note.locator(".el-form-item__error")).to_have_count(0)  # answered: not stale
    await shot(phone, "review-application-1440")
    await phone.click("#send-back")
    await expect(phone.locator("#review-done")).to_contain_text(f"已退回整改：{village}")
    await expect(phone.locator("#queue")).not_to_contain_text(village)


async def test_a_county_admin_creates_a_grid_worker_who_then_signs_in(site, phone):
    async with httpx.AsyncClient(base_url=site.url, headers=site.admin) as http:
        body = {"username": "chief", "display_name": "县管理员", "role": "county_admin"}
        password = (await http.post("/auth/v1/users", json=body)).json()["password"]
        grid = (await http.get("/registry/v1/grids?level=3&limit=1")).json()["items"][0]
    await phone.set_viewport_size({"width": 1440, "height": 900})
    await sign_in(phone, site, "chief", password)
    await phone.fill("#new-username", "sun")
    await phone.fill("#new-display-name", "孙网格员")
    await phone.fill("#new-scope", grid["id"])
    await phone.click("#create-user")
    created = phone.locator("#created-password")
    await expect(created).to_contain_text("已创建用户 sun")
    await expect(phone.locator("#users")).to_contain_text("孙网格员")
    await shot(phone, "users-1440")
    text = await created.inner_text()
    first = text.split("初始密码：")[1].split("（")[0].strip()
    await phone.click("#sign-out")
    # signing out ends on the home page; going to the sign-in page before that lands races it
    await expect(phone.locator("#sign-out")).to_have_count(0)
    await expect(phone).to_have_url(re.compile(r"/#/$"))
    await sign_in(phone, site, "sun", first)
    await expect(phone.locator("#grid-name")).to_contain_text(grid["name"])


async def test_the_users_list_is_paged_twenty_a_page(site, phone):
    """Long lists are paged: a county has hundreds of grid workers, the page draws 20."""
    async with httpx.AsyncClient(base_url=site.url, headers=site.admin) as http:
        grid = (await http.get("/registry/v1/grids?level=3&limit=1")).json()["items"][0]
        for n in range(21):
            body = {"username": f"pager{n:02d}", "display_name": f"分页网格员{n:02d}"}
            body |= {"role": "grid_member", "scope": grid["id"]}
            assert (await http.post("/auth/v1/users", json=body)).status_code == 201
        body = {"username": "pager-admin", "display_name": "分页管理员", "role": "county_admin"}
        password = (await http.post("/auth/v1/users", json=body)).json()["password"]
        total = len((await http.get("/auth/v1/users")).json()["items"])
    assert total > 20
    await phone.set_viewport_size({"width": 1440, "height": 900})
    await sign_in(phone, site, "pager-admin", password)
    await expect(phone.locator("#users .el-table__body tr")).to_have_count(20)
    await expect(phone.locator("#users-pager")).to_contain_text(f"共 {total} 条")
    await phone.focus("#users-pager .btn-next")
    await phone.keyboard.press("Enter")  # the pager works from the keyboard
    await expect(phone.locator("#users .el-table__body tr")).to_have_count(min(20, total - 20))
    await phone.click("#sign-out")
    await expect(phone.locator("#sign-out")).to_have_count(0)


async def test_sign_in_is_throttled_after_five_wrong_passwords(site, phone):
    password = await site.worker("zhao", "赵家岭网格")
    for _ in range(5):
        await sign_in(phone, site, "zhao", "wrong-password")
        await expect(phone.locator("#sign-in")).to_contain_text("用户名或密码错误")
    await sign_in(phone, site, "zhao", password)
    await expect(phone.locator("#sign-in")).to_contain_text("密码错误次数过多")
    await shot(phone, "sign-in-throttled-360")


async def test_a_sent_back_application_resubmitted_comes_back_to_the_queue_and_is_approved(
    site, phone
):
    """Seed path 退回整改 → 重新申报: the reviewer sends the application back with a note, the
    applicant assesses itself again and resubmits in the same batch (through the API with the
    entity admin's bearer token: no applicant page exists yet), and the reviewer finds it in
    the queue again, 已申报, with the earlier note shown above the rubric, and approves it."""
    password, village, application = await site.submitted_application("reviewer2")
    await phone.set_viewport_size({"width": 1440, "height": 900})
    await sign_in(phone, site, "reviewer2", password)
    row = phone.locator("#queue .el-table__body tr", has_text=village)
    await row.locator(".open-application").click()
    await expect(phone.locator("#application-title")).to_contain_text(f"{village} · 已申报")
    await phone.fill("#review-note", "防控台账不全，请补充后重新申报")
    await phone.click("#send-back")
    await expect(phone.locator("#review-done")).to_contain_text(f"已退回整改：{village}")
    await expect(phone.locator("#queue")).not_to_contain_text(village)
    await site.resubmit(application)
    await phone.reload()
    await expect(row).to_contain_text("100")  # back in the queue, with its new self-assessment
    await shot(phone, "review-resubmitted-queue-1440")
    await row.locator(".open-application").click()
    await expect(phone.locator("#application-title")).to_contain_text(f"{village} · 已申报")
    await expect(phone.locator("#self-total")).to_have_text("100")
    history = phone.locator("#send-backs")  # the reviewer sees what was asked for last time
    await expect(history).to_contain_text("此前已退回整改 1 次，本次为重新申报")
    await expect(history).to_contain_text("第 1 次退回意见：防控台账不全，请补充后重新申报")
    await shot(phone, "review-resubmitted-detail-1440")
    await phone.click("#approve")
    approved = phone.locator("#review-done")
    await expect(approved).to_have_text(f"已通过：{village}（当前状态：乡镇初审通过）")
    await expect(phone.locator("#queue")).not_to_contain_text(village)
    await shot(phone, "review-resubmitted-approved-1440")


async def test_a_confirmed_case_reported_from_a_phone_moves_the_holder_to_the_delisting_list(
    site, phone, browser
):
    """Seed: 发生病例的，摘牌 — a grid worker of a title holder counts one confirmed case in
    today's report on a 360-px phone (a level-3 report's new cases are the case signal), and
    the public page, without signing in, no longer lists the holder on the honor list and lists
    it on the delisting list with the reason 发生病例. (Last in this module: it removes a holder
    the public-lists test counts.)"""
    holder, password = await site.holder_with_a_grid("lin")
    await sign_in(phone, site, "lin", password)
    await expect(phone.locator("#today-status")).to_have_text("今日尚未报告")
    await phone.click("#edit-counts")
    await phone.fill("#count-resident_population", "60")
    await phone.fill("#count-new_cases-confirmed", "1")
    await shot(phone, "grid-case-counts-360")
    await phone.click("#send-counts")
    await expect(phone.locator("#report-done")).to_contain_text("报告已提交")
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    public = await context.new_page()
    honor = public.locator("#honor .el-table__body")
    for _ in range(20):  # scoring learns of the case from reporting's events: poll the page
        await public.goto(site.url)
        await expect(public.locator("#honor .el-table__body tr").first).to_be_visible()
        try:
            await expect(honor).not_to_contain_text(holder, timeout=1000)
            break
        except AssertionError:
            continue
    await expect(honor).not_to_contain_text(holder)
    delisted = public.locator("#delisted .el-table__body tr", has_text=holder)
    await expect(delisted).to_contain_text("发生病例")
    await shot(public, "public-lists-after-case-1440")
    await context.close()
