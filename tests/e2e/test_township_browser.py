"""The township reviewer's complaints and quota pages in a real browser (Debian's Chromium
driven by Playwright) against one ``wuyi up`` on the demo county for the module (issue #11,
"complaints to verify, and quota status"): a complaint verified with its result and note, the
API's field errors under their fields, and its effect on the entity's title; the quota numbers
per batch as the API gives them; menus only for the township reviewer; 360 px and 1,440 px.
Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from playwright.async_api import Page, expect

from tests.e2e.test_dashboard_browser import (  # noqa: F401 (fixtures)
    MODULE_LOOP,
    PHONE,
    Site,
    browser,
    phone,
    seeded,
    shot,
    sign_in,
    site,
)

pytestmark = MODULE_LOOP

WIDE = {"width": 1440, "height": 900}


async def reviewer_of(http: httpx.AsyncClient, username: str, township: str) -> str:
    user = {"username": username, "display_name": "乡镇审核员", "role": "township_reviewer"}
    created = await http.post("/auth/v1/users", json={**user, "scope": township})
    assert created.status_code == 201, created.text
    return str(created.json()["password"])


async def awarded(http: httpx.AsyncClient) -> dict[str, Any]:
    """An application of the demo that holds its title."""
    listed = (await http.get("/scoring/v1/applications?status=awarded")).json()["applications"]
    assert listed, "the demo awards titles"
    return dict(listed[0])


async def founded_in_window(http: httpx.AsyncClient, entity_id: str, days: int) -> int:
    query = f"/reporting/v1/complaints?status=verified&entity_id={entity_id}&limit=200"
    items = (await http.get(query)).json()["items"]
    since = date.today() - timedelta(days=days - 1)
    return sum(1 for c in items if date.fromisoformat(c["decided_at"][:10]) >= since)


async def complain(http: httpx.AsyncClient, entity_id: str, summary: str) -> str:
    body = {"entity_id": entity_id, "summary": summary, "source": "12345热线"}
    created = await http.post("/reporting/v1/complaints", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def no_sideways_scroll(page: Page) -> None:
    width = await page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"]


async def test_a_reviewer_verifies_a_complaint_and_sees_the_title_fall(site: Site, phone: Page):  # noqa: F811
    """Seed 001 (摘牌): 群众投诉集中且经核实 — the complaint that reaches the campaign's
    threshold of founded complaints takes the title, and the reviewer sees it go."""
    async with httpx.AsyncClient(base_url=site.url, headers=site.admin) as http:
        app = await awarded(http)
        campaign = (await http.get(f"/scoring/v1/campaigns/{app['campaign_id']}")).json()
        rules = campaign["delisting"]
        password = await reviewer_of(http, "tr-complaints", app["township_id"])
        await sign_in(phone, site, "tr-complaints", password)
        await phone.click("#nav-complaints")
        await expect(phone.locator("#complaints")).to_contain_text("暂无待核实的投诉")  # empty
        await expect(phone.locator("#complaints .el-loading-mask")).to_have_count(0)
        await no_sideways_scroll(phone)
        await shot(phone, "township-complaints-empty-360")
        founded = await founded_in_window(http, app["entity_id"], rules["complaints_window_days"])
        for n in range(rules["complaints_threshold"] - founded - 1):  # one short of it
            earlier = await complain(http, app["entity_id"], f"早前投诉 {n + 1}")
            verified = {"verified": True, "note": "已核实"}
            sent = await http.post(
                f"/reporting/v1/complaints/{earlier}/verification", json=verified
            )
            assert sent.status_code == 200, sent.text
        await complain(
            http, app["entity_id"], "小区出入口无人值守，外来人员未登记（来电人 139****0000）"
        )
    await phone.set_viewport_size(WIDE)
    await phone.reload()
    row = phone.locator("#complaints .el-table__body tr", has_text=app["entity_name"])
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("待核实")
    await shot(phone, "township-complaints-1440")
    await row.locator(".open-complaint").click()
    await expect(phone.locator("#complaint-summary")).to_contain_text("外来人员未登记")
    effect = phone.locator("#title-effect")
    await expect(effect).to_contain_text(f"持有称号「{campaign['award_title']}」")
    await phone.click("#verify")  # no result chosen: the API's message under that field
    result = phone.locator(".el-form-item", has=phone.locator("#complaint-result"))
    await expect(result.locator(".el-form-item__error")).to_have_text("缺少必填字段")
    await phone.focus("#result-verified input")
    await phone.keyboard.press("Space")  # the result can be chosen with the keyboard
    await phone.click("#verify")  # no note: under the note field now
    note = phone.locator(".el-form-item", has=phone.locator("#complaint-note-input"))
    await expect(note.locator(".el-form-item__error")).to_have_text("不能为空")
    await expect(result.locator(".el-form-item__error")).to_have_count(0)
    await shot(phone, "township-complaint-note-error-1440")
    await phone.fill("#complaint-note-input", "现场核查：出入口无人值守属实")
    await phone.click("#verify")
    await expect(phone.locator("#complaint-done")).to_contain_text(
        f"已记录：{app['entity_name']} 的投诉核实属实"
    )
    await expect(phone.locator("#complaint-title")).to_contain_text("属实")
    await expect(phone.locator("#complaint-note")).to_have_text("现场核查：出入口无人值守属实")
    threshold = rules["complaints_threshold"]
    await expect(effect).to_contain_text(
        f"经核实属实的投诉：{threshold} 件（摘牌阈值 {threshold} 件）"
    )
    await expect(effect.locator(".effect-delisted")).to_contain_text("已摘牌：群众投诉集中且经核实")
    await expect(effect).to_contain_text("已摘牌（整改中）")
    await shot(phone, "township-complaint-verified-1440")
    async with httpx.AsyncClient(base_url=site.url) as public:
        listed = (await public.get("/scoring/v1/delistings?tenant=demo")).json()["delistings"]
    assert any(
        d["application_id"] == app["id"] and d["reason"] == "complaints" for d in listed
    )  # what the page shows is what the public delisting list says
    await phone.set_viewport_size(PHONE)
    await no_sideways_scroll(phone)
    await shot(phone, "township-complaint-verified-360")
    await phone.click("#back-to-complaints")
    await expect(phone.locator("#complaints")).not_to_contain_text(app["entity_name"])
    await phone.locator("#complaint-status").get_by_text("属实", exact=True).click()
    await expect(phone.locator("#complaints")).to_contain_text(app["entity_name"])


async def test_a_reviewer_sees_the_quota_of_each_batch_as_the_api_counts_it(site, phone):  # noqa: F811
    """DOMAIN.md: quotas (申报指标) — "each township must apply at least 1 per batch". A second
    campaign asks two per township; one village has only opened its application."""
    async with httpx.AsyncClient(base_url=site.url, headers=site.admin) as http:
        township = (await awarded(http))["township_id"]
        campaign = await http.post(
            "/scoring/v1/campaigns",
            json={
                "title": "名额测试创建活动",
                "doc_number": "测〔2026〕9号",
                "issuer": "示范县",
                "award_title": "无疫村（名额测试）",
                "entity_kinds": ["village", "community"],
                "rubric_id": "seed-003-compound-v1",
                "quotas": {"per_township": 2},
            },
        )
        assert campaign.status_code == 201, campaign.text
        campaign_id = campaign.json()["id"]
        today = date.today()
        batch = await http.post(
            f"/scoring/v1/campaigns/{campaign_id}/batches",
            json={"name": "名额批", "opens_on": str(today), "closes_on": str(today + timedelta(7))},
        )
        batch_id = batch.json()["id"]
        below = await http.get(f"/registry/v1/entities?parent_id={township}&limit=200")
        opened = 0
        for village in below.json()["items"]:
            if opened:
                break
            body = {"campaign_id": campaign_id, "batch_id": batch_id, "entity_id": village["id"]}
            opened += (await http.post("/scoring/v1/applications", json=body)).status_code == 201
        assert opened, "a village of the township may apply"
        password = await reviewer_of(http, "tr-quota", township)
        truth = (await http.get(f"/scoring/v1/quota-status?township_id={township}")).json()
        report = await http.get(f"/scoring/v1/campaigns/{campaign_id}/batches/{batch_id}/quotas")
        [short] = [s for s in report.json()["short"] if s["scope_id"] == township]
    await phone.goto(site.url)
    await expect(phone.locator("#nav-quota")).to_have_count(0)  # not for the public
    await sign_in(phone, site, "tr-quota", password)
    await expect(phone.locator("#nav-quota")).to_be_visible()
    await phone.focus("#nav-quota")
    await phone.keyboard.press("Enter")  # the menu works from the keyboard
    await expect(phone.locator("#quota-township")).to_contain_text(truth["township"]["name"])
    cards = phone.locator(".quota-batch")
    await expect(cards).to_have_count(len(truth["batches"]))
    for b in truth["batches"]:
        card = phone.locator(f'.quota-batch[data-batch="{b["batch_id"]}"]')
        await expect(card).to_contain_text(b["batch_name"])
        for key in ("required", "applied", "pending", "missing"):
            await expect(card.locator(f".q-{key}")).to_have_text(str(b[key]))
        await expect(card.locator(".quota-state")).to_have_text("已完成" if b["met"] else "未完成")
    mine = next(b for b in truth["batches"] if b["batch_id"] == batch_id)
    assert (mine["required"], mine["applied"], mine["pending"]) == (2, 0, 1)
    assert (short["applied"], short["missing"]) == (mine["applied"], mine["missing"])
    await no_sideways_scroll(phone)
    await shot(phone, "township-quota-360")
    await phone.set_viewport_size(WIDE)
    await shot(phone, "township-quota-1440")
    await phone.click("#language")  # every label from the English catalogue too
    await expect(phone.locator("h2")).to_have_text("Application quotas")
    await expect(phone.locator(f'.quota-batch[data-batch="{batch_id}"]')).to_contain_text("Not met")
    await shot(phone, "township-quota-en-1440")
    await phone.click("#language")
    password = await site.worker("qian", "钱家湾网格")
    await phone.click("#sign-out")
    await expect(phone.locator("#sign-out")).to_have_count(0)
    await sign_in(phone, site, "qian", password)
    await expect(phone.locator("#grid-name")).to_be_visible()
    await expect(phone.locator("#nav-quota")).to_have_count(0)  # not for a grid worker
    await expect(phone.locator("#nav-complaints")).to_have_count(0)
