"""Every page of every role in one sweep (issue #11: "Every page works at 360 px and 1,440 px,
is keyboard accessible, and shows loading and empty states"), in a real browser (Debian's
Chromium driven by Playwright) against one ``wuyi up`` on the demo county.

For each role the pages are read from the menu the role is shown (the header's links), so a new
page is swept without touching this module. At 360 px and at 1,440 px each page, once its
loading masks are gone, must show its heading, keep the document from scrolling sideways on the
phone, give every visible control an accessible name, and leave no console error or CSP
refusal. Once per role, every menu link is reached with Tab and opens its page with Enter.
Screenshots of each page at 360 px go to ``test-artifacts/`` (gitignored)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Page, expect

from tests.e2e.test_dashboard_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    MODULE_LOOP,
    PHONE,
    Site,
    browser,
    seeded,
    sign_in,
    site,
)

pytestmark = MODULE_LOOP

WIDE = {"width": 1440, "height": 900}
ROLES = [
    "public",
    "grid_member",
    "entity_admin",
    "township_reviewer",
    "county_evaluator",
    "county_admin",
]

# The visible controls with no accessible name: aria-labelledby, aria-label, a <label> (by its
# for= or around it), or their own text. A placeholder is not a label (it goes once typed in).
UNNAMED = """() => {
  const shown = (e) => {
    const box = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    const seen = style.visibility !== "hidden" && style.opacity !== "0";
    return box.width > 1 && box.height > 1 && seen;
  };
  const named = (e) => {
    const by = (e.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    if (by.some((id) => (document.getElementById(id)?.textContent || "").trim())) return true;
    if ((e.getAttribute("aria-label") || "").trim()) return true;
    if (e.labels && [...e.labels].some((l) => l.textContent.trim())) return true;
    if (e.tagName === "BUTTON" && e.textContent.trim()) return true;
    if (e.tagName === "BUTTON" && e.querySelector("img[alt]:not([alt=''])")) return true;
    if (e.tagName === "INPUT" && ["submit", "button"].includes(e.type) && e.value) return true;
    return Boolean((e.getAttribute("title") || "").trim());
  };
  return [...document.querySelectorAll("input, select, textarea, button")]
    .filter((e) => e.type !== "hidden" && shown(e) && !named(e))
    .map((e) => e.outerHTML.slice(0, 200));
}"""

# The elements that reach past the phone's right edge, innermost first: what to fix.
WIDER = """() => {
  const edge = document.documentElement.clientWidth + 0.5;
  const clips = (a) => ["hidden", "auto", "scroll", "clip"].includes(getComputedStyle(a).overflowX)
    && a.getBoundingClientRect().right <= edge;
  const clipped = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
      if (clips(a)) return true;
    return false;
  };
  const outer = [...document.querySelectorAll("body, #app, header, main, main > *")];
  const box = (e) => Math.round(e.getBoundingClientRect().right);
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > edge && !clipped(e))
    .concat(outer.filter((e) => e.scrollWidth > edge))
    .slice(0, 8)
    .map((e) => `${e.tagName}#${e.id}.${e.className} ${box(e)} ${e.scrollWidth}`);
}"""


async def person(on: Site, role: str) -> tuple[str, str] | None:
    """A fresh user of ``role`` scoped as its pages expect; None for the public."""
    if role == "public":
        return None
    username = f"sweep-{role.replace('_', '-')}"
    if role == "grid_member":
        return username, await on.worker(username, "扫检网格")
    async with httpx.AsyncClient(base_url=on.url, headers=on.admin) as http:
        body: dict[str, Any] = {"username": username, "display_name": "巡检员", "role": role}
        if role in ("entity_admin", "township_reviewer"):
            kind = "village" if role == "entity_admin" else "township"
            listed = await http.get(f"/registry/v1/entities?kind={kind}&limit=1")
            body["scope"] = listed.json()["items"][0]["id"]
        created = await http.post("/auth/v1/users", json=body)
        assert created.status_code == 201, created.text
        return username, str(created.json()["password"])


def complaint(message: ConsoleMessage) -> bool:
    """A console error other than the two a visit always makes: the session asked for before
    signing in (401, the page then shows the sign-in link) and the browser's favicon (404)."""
    url = str(message.location.get("url", ""))
    expected = url.endswith("/auth/v1/session") or url.endswith("/favicon.ico")
    return message.type == "error" and not expected


@pytest_asyncio.fixture(loop_scope="module")
async def tab(browser: Browser) -> AsyncIterator[tuple[Page, list[str]]]:  # noqa: F811
    context = await browser.new_context(locale="zh-CN", viewport=WIDE)
    page = await context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if complaint(m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, errors
    await context.close()


async def menu(page: Page) -> list[str]:
    """The routes of the header's links, as the signed-in role sees them."""
    hrefs = await page.locator("header.top a[href^='#/']").evaluate_all(
        "links => links.map((a) => a.getAttribute('href'))"
    )
    return [str(h) for h in hrefs]


async def settled(page: Page) -> None:
    await expect(page.locator("main h2").first).to_be_visible()
    await expect(page.locator(".el-loading-mask:visible")).to_have_count(0)


@pytest.mark.parametrize("role", ROLES)
async def test_every_page_of_the_menu_reads_on_a_phone_and_a_wide_screen(site, tab, role):  # noqa: F811
    """Issue #11: "Every page works at 360 px and 1,440 px, is keyboard accessible, and shows
    loading and empty states." """
    page, errors = tab
    who = await person(site, role)
    if who is None:
        await page.goto(site.url)
    else:
        await sign_in(page, site, *who)
        await expect(page.locator("#who")).to_be_visible()
        errors.clear()  # the session asked for before signing in answers 401, as it should
    routes = await menu(page)
    ARTIFACTS.mkdir(exist_ok=True)
    assert len(routes) >= 2, routes
    for width in (PHONE, WIDE):
        await page.set_viewport_size(width)
        for route in routes:
            await page.goto(f"{site.url}/{route}")
            await settled(page)
            unnamed = await page.evaluate(UNNAMED)
            assert not unnamed, (route, width["width"], unnamed)
            if width is PHONE:
                scroll = await page.evaluate("document.scrollingElement.scrollWidth")
                assert scroll <= PHONE["width"], (route, scroll, await page.evaluate(WIDER))
                name = f"sweep-{role}-{route[2:].replace('/', '-') or 'home'}-360.png"
                await page.screenshot(path=str(ARTIFACTS / name))  # the first screen only
    assert not errors, errors  # no console error, no CSP refusal

    # Keyboard: from the top of the page, Tab reaches every menu link, Enter opens its page.
    await page.goto(f"{site.url}/#/public/notices")
    await page.reload()  # focus starts at the top of the document
    await settled(page)
    opened: list[str] = []
    for _ in range(4 * len(routes) + 10):
        await page.keyboard.press("Tab")
        href = await page.evaluate(
            "document.activeElement?.closest('header.top') ? "
            "document.activeElement.getAttribute('href') : null"
        )
        if href in routes and href not in opened:
            await page.keyboard.press("Enter")
            await expect(page).to_have_url(f"{site.url}/{href}")
            await settled(page)
            opened.append(str(href))
        if len(opened) == len(routes):
            break
    assert sorted(opened) == sorted(routes), opened
    assert not errors, errors
