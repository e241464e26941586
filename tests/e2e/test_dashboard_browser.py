"""The dashboard in a real browser (Debian's Chromium driven by Playwright) against ``wuyi up``
on the demo county: the public lists without a token, then the county tree after signing in."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.e2e.test_embedded_cli import Server, run, seeded  # noqa: F401


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Chromium is missing: scripts/dev-services up installs Debian's chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(seeded, tmp_path, browser) -> AsyncIterator[tuple[Page, Server, str]]:  # noqa: F811
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    server = await Server(data).ready()
    jwt = run("token", "--data", str(data), "--tenant", "demo", "--role", "county_admin")
    opened = await browser.new_page(locale="zh-CN")
    try:
        yield opened, server, jwt.stdout.strip()
    finally:
        await opened.close()
        server.stop()


async def test_the_public_sees_the_honor_list_and_the_delisting_with_its_reason(page):
    tab, server, _ = page
    await tab.goto(server.url)
    await expect(tab.locator("h1")).to_contain_text("无疫创建工作指挥台")
    await expect(tab.locator("#honor tr")).to_have_count(4)
    await expect(tab.locator("#honor")).to_contain_text("无疫村（社区）")
    await expect(tab.locator("#delisted tr")).to_have_count(1)
    await expect(tab.locator("#delisted")).to_contain_text("发生病例 / case")
    await expect(tab.locator("#services .status.ok")).to_have_count(4)  # with the notifier


async def test_a_county_admin_signs_in_with_a_token_and_sees_the_county_tree(page):
    tab, server, jwt = page
    await tab.goto(server.url)
    await tab.fill("#token", jwt)
    await tab.click("#token-form button")
    await expect(tab.locator("#tree-section")).to_be_visible()
    await expect(tab.locator("#tree > li > strong").first).to_have_text("示范县")
    await expect(tab.locator("#tree")).to_contain_text("乡镇/街道")


async def test_a_bad_token_is_refused_with_a_message_in_both_languages(page):
    tab, server, _ = page
    await tab.goto(server.url)
    await tab.fill("#token", "not-a-token")
    await tab.click("#token-form button")
    await expect(tab.locator("#login-error")).to_contain_text("登录凭证无效")
    await expect(tab.locator("#login-error")).to_contain_text("invalid or expired token")
