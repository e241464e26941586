"""The applicant's page (the entity admin of a village) in a real browser (Debian's Chromium
driven by Playwright) on a 360-px phone, against one ``wuyi up`` on the demo county: applying
in an open batch, the self-assessment generated from the campaign's rubric (an item held to its
maximum, the live total), the submission; then, after the township sends it back with a note,
the note on the page, a fresh self-assessment and the resubmission. Screenshots go to
``test-artifacts/``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.e2e.test_dashboard_browser import (  # noqa: F401
    MODULE_LOOP,
    PHONE,
    Site,
    browser,
    phone,
    shot,
    sign_in,
    site,
)
from tests.e2e.test_embedded_cli import seeded  # noqa: F401

pytestmark = MODULE_LOOP

RUBRIC = "seed-003-compound-v1"
TITLE = "申报页测试活动"
NOTE = "请补充消杀台账照片"


async def campaign(http: httpx.AsyncClient, title: str) -> dict[str, str]:
    """A campaign on the seed-003 rubric for villages with a batch open today."""
    body = {
        "title": title,
        "doc_number": "测〔2026〕9号",
        "issuer": "示范县",
        "award_title": "无疫村（测试）",
        "entity_kinds": ["village"],
        "rubric_id": RUBRIC,
    }
    launched = await http.post("/scoring/v1/campaigns", json=body)
    assert launched.status_code == 201, launched.text
    today = date.today()
    days = {
        "opens_on": (today - timedelta(days=1)).isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
    }
    batch = await http.post(
        f"/scoring/v1/campaigns/{launched.json()['id']}/batches", json={"name": "首批", **days}
    )
    assert batch.status_code == 201, batch.text
    return {"campaign_id": launched.json()["id"], "batch_id": batch.json()["id"]}


async def applicant(
    where: Site, username: str, title: str = TITLE
) -> tuple[str, dict[str, Any], dict[str, Any], str]:
    """An entity admin of a demo village that may apply (it opens and submits in a probe
    campaign), and a campaign ``title`` it has not applied in yet; returns the password, the
    village, the rubric and the probe campaign's submitted application."""
    async with httpx.AsyncClient(base_url=where.url, headers=where.admin) as http:
        [rubric] = [r for r in (await http.get("/scoring/v1/rubrics")).json() if r["id"] == RUBRIC]
        full = {
            i["id"]: True if i["max_points"] is None else i["max_points"]
            for s in rubric["sections"]
            for i in s["items"]
        }
        probe = await campaign(http, f"{title}（探测）")
        await campaign(http, title)
        villages = (await http.get("/registry/v1/entities?kind=village&limit=100")).json()["items"]
        for village in villages:
            opened = await http.post(
                "/scoring/v1/applications", json={**probe, "entity_id": village["id"]}
            )
            if opened.status_code != 201:
                continue  # not a candidate (holds a title, not eligible)
            url = f"/scoring/v1/applications/{opened.json()['id']}"
            await http.post(f"{url}/self-assessment", json={"scores": full})
            if (await http.post(f"{url}/submission", json={})).status_code != 200:
                continue
            user = {
                "username": username,
                "display_name": "村两委",
                "role": "entity_admin",
                "scope": village["id"],
            }
            created = await http.post("/auth/v1/users", json=user)
            assert created.status_code == 201, created.text
            return str(created.json()["password"]), village, rubric, opened.json()["id"]
    pytest.fail("no village of the demo could apply")


def points(rubric: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for s in rubric["sections"] for i in s["items"] if i["max_points"] is not None]


def shown(n: float) -> str:
    return f"{n:g}"


async def no_sideways_scroll(page: Page) -> None:
    assert await page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


async def test_an_entity_admin_self_assesses_on_a_phone_and_resubmits_after_a_send_back(
    site: Site,  # noqa: F811
    phone: Page,  # noqa: F811
) -> None:
    """Issue #9: 'It returns to the applicant, who corrects and resubmits within the batch.'"""
    password, village, rubric, _ = await applicant(site, "cunweihui")
    await sign_in(phone, site, "cunweihui", password)
    await expect(phone.locator("#entity-name")).to_have_text(village["name"])  # home: #/applicant
    await expect(phone.locator("#nav-applicant")).to_be_visible()
    await expect(phone.locator(".application-card .application-status")).to_have_text(["已申报"])
    card = phone.locator(".batch-card", has_text=TITLE)
    await shot(phone, "applicant-list-360")
    await card.locator(".apply-batch").click()
    await expect(phone.locator("#application-status")).to_have_text("草稿")
    await expect(phone.locator("#self-assessment .rubric-section")).to_have_count(
        len(rubric["sections"])
    )
    items = points(rubric)
    first = phone.locator(f'[data-item="{items[0]["id"]}"] input')
    await first.fill(shown(items[0]["max_points"] + 10))  # above the item's maximum
    await first.press("Tab")
    await expect(first).to_have_value(f"{items[0]['max_points']:.1f}")  # held to its maximum
    await expect(phone.locator("#live-total")).to_have_text(shown(items[0]["max_points"]))
    total = items[0]["max_points"]
    for item in items[1:]:
        if total >= 70:
            break
        field = phone.locator(f'[data-item="{item["id"]}"] input')
        await field.fill(shown(item["max_points"]))
        await field.press("Tab")
        total += item["max_points"]
    await expect(phone.locator("#live-total")).to_have_text(shown(total))
    await no_sideways_scroll(phone)
    await shot(phone, "applicant-self-assessment-360")
    await phone.click("#submit-application")
    await expect(phone.locator("#application-status")).to_have_text("已申报")
    await expect(phone.locator("#applicant-done")).to_contain_text("已申报")

    async with httpx.AsyncClient(base_url=site.url) as http:  # the township sends it back
        apps = (
            await http.get(
                "/scoring/v1/applications", headers=site.token("entity_admin", village["id"])
            )
        ).json()
        [app] = [
            a
            for a in apps["applications"]
            if a["status"] == "submitted" and a["batch_id"] and a["self_total"] == total
        ]
        township = site.token("township_reviewer", app["township_id"])
        back = await http.post(
            f"/scoring/v1/applications/{app['id']}/send-back", json={"note": NOTE}, headers=township
        )
        assert back.status_code == 200, back.text

    await phone.click("#back-to-list")
    await phone.reload()
    mine = phone.locator(f'.application-card[data-application="{app["id"]}"]')
    await expect(mine.locator(".application-status")).to_have_text("已退回整改")
    await expect(mine.locator(".application-note")).to_contain_text(NOTE)
    await no_sideways_scroll(phone)
    await shot(phone, "applicant-sent-back-360")
    await mine.locator(".open-application").click()
    await expect(phone.locator(".send-back-note")).to_contain_text(NOTE)
    await expect(phone.locator("#live-total")).to_have_text(shown(total))  # last round's scores
    await expect(phone.locator("#vetoes-failed")).to_have_count(0)  # the veto item still holds
    last = phone.locator(f'[data-item="{items[0]["id"]}"] input')
    await last.fill(shown(items[0]["max_points"] - 1))  # corrected down by a point
    await last.press("Tab")
    await expect(phone.locator("#live-total")).to_have_text(shown(total - 1))
    await phone.click("#submit-application")
    await expect(phone.locator("#application-status")).to_have_text("已申报")
    await no_sideways_scroll(phone)
    await shot(phone, "applicant-resubmitted-360")


async def test_after_a_rejection_the_applicant_reads_the_note_and_records_the_rectification(
    site: Site,  # noqa: F811
    phone: Page,  # noqa: F811
) -> None:
    """Seed 003: '验收未通过的,加强整改,在下批次复验' — the note says what to rectify; an empty
    rectification is refused with the API's message under its field."""
    password, village, _, app_id = await applicant(site, "cunweihui2", "整改测试活动")
    async with httpx.AsyncClient(base_url=site.url) as http:  # the township rejects it
        view = await http.get(
            f"/scoring/v1/applications/{app_id}", headers=site.token("entity_admin", village["id"])
        )
        township = site.token("township_reviewer", view.json()["township_id"])
        body = {"decision": "reject", "note": "消杀台账与实地不符"}
        rejected = await http.post(
            f"/scoring/v1/applications/{app_id}/township-review", json=body, headers=township
        )
        assert rejected.status_code == 200, rejected.text
    await sign_in(phone, site, "cunweihui2", password)
    mine = phone.locator(f'.application-card[data-application="{app_id}"]')
    await expect(mine.locator(".application-status")).to_have_text("未通过（整改中）")
    await expect(mine.locator(".application-note")).to_contain_text("消杀台账与实地不符")
    await mine.locator(".open-application").focus()  # from the keyboard
    await phone.keyboard.press("Enter")
    await expect(phone.locator("#rejection-note")).to_contain_text("消杀台账与实地不符")
    await phone.click("#record-rectification")  # no note yet
    note_error = phone.locator(
        "#rectification .el-form-item", has=phone.locator("#rectification-note")
    )
    await expect(note_error.locator(".el-form-item__error")).to_contain_text("不能为空")
    await phone.fill("#rectification-note", "已重新核对住户台账并补做消杀")
    await phone.click("#record-rectification")
    await expect(phone.locator("#application-status")).to_have_text("已整改（待下批次复验）")
    await no_sideways_scroll(phone)
    await shot(phone, "applicant-rectified-360")
