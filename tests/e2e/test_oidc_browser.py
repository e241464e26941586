"""The sign-in button of the distributed mode in a real browser (Debian's Chromium driven by
Playwright): ``wuyi serve registry`` on PostgreSQL + Kafka with ``WUYI_OIDC_*`` set serves the
web app; "使用统一身份认证登录" leads through the OpenID Provider's login and consent pages (panva's
``oidc-provider`` run locally, ``tests/oidc/``) back to the app, signed in; signing out ends at
the provider's sign-out page and comes back signed out. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.test_dashboard_browser import chromium, shot
from tests.e2e.test_distributed_registry import Service, fresh_database  # noqa: F401
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, running_provider


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """A Chromium of the test's own: this module's service fixtures run in the test's loop."""
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def registry(fresh_database, topic_prefix) -> AsyncIterator[Service]:  # noqa: F811
    service = Service(fresh_database, topic_prefix, "registry")
    site = f"http://localhost:{service.port}"  # the provider is at 127.0.0.1: another site
    with running_provider([f"{site}/auth/v1/oidc/callback"], [f"{site}/"]) as issuer:
        service.env |= {
            "WUYI_OIDC_ISSUER": issuer,
            "WUYI_OIDC_CLIENT_ID": CLIENT_ID,
            "WUYI_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "WUYI_OIDC_REDIRECT_URI": f"{site}/auth/v1/oidc/callback",
            "WUYI_OIDC_POST_LOGOUT_REDIRECT_URI": f"{site}/",
            "WUYI_OIDC_SCOPES": "openid profile wuyi",
        }
        service.base = site
        await service.start()
        try:
            yield service
        finally:
            service.stop()


async def test_the_sign_in_button_leads_through_the_provider_back_into_the_app(
    registry,
    browser,
):
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    ours: list[str] = []  # the provider's own pages are not ours to hold to our CSP
    page.on(
        "console",
        lambda m: (
            ours.append(m.text)
            if m.type == "error" and page.url.startswith(registry.base)
            else None
        ),
    )
    await page.goto(f"{registry.base}/#/sign-in?next=/")
    button = page.locator("#oidc-sign-in")
    await expect(button).to_have_text("使用统一身份认证登录")
    await expect(page.locator("#password")).to_have_count(0)  # no password form here
    await shot(page, "oidc-sign-in-1440")
    await button.click()
    await page.wait_for_url("http://127.0.0.1:*/interaction/**")  # the provider's login page
    await page.fill("input[name=login]", "county-admin")
    await page.fill("input[name=password]", "any password")
    await page.click("button[type=submit]")
    await page.click("button:has-text('Continue')")  # the provider's consent page
    await page.wait_for_url(f"{registry.base}/#/")
    await expect(page.locator("#who")).to_have_text("王县管")
    await expect(page.locator("header").get_by_text("用户管理")).to_have_count(0)  # the provider's
    await shot(page, "oidc-signed-in-1440")
    await page.click("#sign-out")
    await page.click("button[value=yes]")  # the provider asks before signing out there
    await page.wait_for_url(f"{registry.base}/")
    await expect(page.locator("#sign-in-link")).to_be_visible()
    await context.close()
    csp = [e for e in ours if "Content Security Policy" in e]
    assert not csp, csp
