"""In-app inbox by the default rules: the right mailbox is told, once, with no set-up."""

from __future__ import annotations

import re

from wuyi_notifier.application.dispatch import notify
from wuyi_notifier.worker import POLICY

from services.scoring.tests.conftest import advance, build_county, launch

AWARDED = "cn.wuyi.scoring.application.awarded.v1"


async def awarded_county(notified):
    county = await build_county(notified.stack, compounds=1)
    campaign = await launch(notified.stack)
    await advance(notified.stack, campaign, county["compounds"][0], county["town"])
    await notified.settle()
    return county


async def test_an_award_gives_the_entity_admin_exactly_one_inbox_item(notified):
    """DOMAIN.md: "applicant: review results, requests for rectification, award"."""
    county = await awarded_county(notified)
    items = await notified.inbox("entity_admin", county["compounds"][0])
    awards = [i for i in items if i["event_type"] == AWARDED]
    assert len(awards) == 1
    assert awards[0]["title_zh"] == "授予称号" and "无疫小区" in awards[0]["body_zh"]
    assert awards[0]["title_en"] == "Title awarded"
    assert awards[0]["link"].startswith("/#/honor-list/")
    assert {i["title_zh"] for i in items} >= {"乡镇审核通过", "已推荐至县级评估"}


async def test_township_reviewers_are_told_of_a_new_application_in_their_queue(notified):
    """DOMAIN.md: "reviewers: new application in their queue"."""
    county = await awarded_county(notified)
    items = await notified.inbox("township_reviewer", county["town"])
    assert [i["title_zh"] for i in items] == ["新的申报待审核"]
    assert await notified.inbox("township_reviewer", county["community"]) == []


async def test_another_entity_or_role_sees_nothing_of_the_applicants_inbox(notified):
    county = await awarded_county(notified)
    assert await notified.inbox("entity_admin", county["community"]) == []
    assert await notified.inbox("grid_member", county["compounds"][0]) == []


async def test_the_public_feed_shows_notice_and_award_without_personal_data(notified):
    """DOMAIN.md: "public channels: public notice opened, honor list published/changed"."""
    await awarded_county(notified)
    response = await notified.http.get("/notifier/v1/public-feed", params={"tenant": "t1"})
    assert response.status_code == 200
    titles = sorted(i["title_zh"] for i in response.json())
    assert titles == ["公示开始", "授予称号"]
    words = " ".join(i[k] for i in response.json() for k in ("body_zh", "body_en", "link"))
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", words)  # no phone number, ever


async def test_a_message_marked_read_is_read_for_that_reader_only(notified):
    county = await awarded_county(notified)
    box = county["compounds"][0]
    item = (await notified.inbox("entity_admin", box))[0]
    marked = await notified.http.post(
        f"/notifier/v1/inbox/{item['id']}/read", headers=notified.auth("entity_admin", box, "a")
    )
    assert marked.status_code == 200 and marked.json()["read"] is True
    mine = await notified.http.get(
        "/notifier/v1/inbox",
        params={"unread": "true"},
        headers=notified.auth("entity_admin", box, "a"),
    )
    assert item["id"] not in [i["id"] for i in mine.json()]
    theirs = await notified.inbox("entity_admin", box, unread="true")
    assert item["id"] in [i["id"] for i in theirs]


async def test_marking_another_mailboxs_message_is_not_found(notified):
    county = await awarded_county(notified)
    item = (await notified.inbox("entity_admin", county["compounds"][0]))[0]
    response = await notified.http.post(
        f"/notifier/v1/inbox/{item['id']}/read",
        headers=notified.auth("entity_admin", county["community"]),
    )
    assert response.status_code == 404
    assert response.json()["error"]["message_zh"].startswith("消息不存在")


async def test_every_event_delivered_twice_sends_nothing_twice(notified):
    """The bus delivers at least once: redeliver the whole log, then apply every event once
    more past the processed-ids guard; the (event, recipient, channel) key still holds."""
    county = await awarded_county(notified)
    before = await notified.inbox("entity_admin", county["compounds"][0])
    async with notified.notifier.db.transaction() as conn:
        await conn.execute("DELETE FROM checkpoints WHERE name LIKE $1", f"{POLICY}@%")
    await notified.settle()  # a redelivery of every event: skipped as processed
    handler = notify(notified.notifier)
    for store in (notified.stack.scoring.store, notified.stack.reporting.store):
        for event in await store.read_all(0, 10_000):
            async with notified.notifier.db.transaction() as conn:
                await handler(event.envelope(), conn)
    after = await notified.inbox("entity_admin", county["compounds"][0])
    assert sorted(i["id"] for i in after) == sorted(i["id"] for i in before)
    log = await notified.deliveries()
    keys = [(d["event_id"], d["recipient"], d["channel"]) for d in log]
    assert len(keys) == len(set(keys))
