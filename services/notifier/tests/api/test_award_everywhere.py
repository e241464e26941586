"""Issue #10's "Done when", end to end in both modes: an award in scoring produces exactly one
inbox item, one webhook call whose signature the receiver verifies, one WeCom robot call, one
DingTalk call with a valid signature, and one e-mail the SMTP server received; the bus
delivering every event twice changes nothing."""

from __future__ import annotations

from wuyi_notifier.worker import POLICY

from services.notifier.tests.api.test_email import email_subscription, smtp_server
from services.notifier.tests.api.test_robots import robot
from services.notifier.tests.receiver import receiving, robot_fakes
from services.scoring.tests.conftest import advance, build_county, launch

AWARDED = "cn.wuyi.scoring.application.awarded.v1"


async def test_an_award_reaches_every_channel_exactly_once(notified):
    async with receiving() as receiver, robot_fakes() as robots:
        with smtp_server(notified) as mailbox:
            hook = await notified.subscribe(f"{receiver.url}/h", [AWARDED])
            receiver.secrets["h"] = hook["secret"]
            await robot(notified, robots, "wecom")
            await robot(notified, robots, "dingtalk")
            await email_subscription(notified, "office@county.example.cn")
            county = await build_county(notified.stack, compounds=1)
            campaign = await launch(notified.stack)
            await advance(notified.stack, campaign, county["compounds"][0], county["town"])
            await notified.settle()
            async with notified.notifier.db.transaction() as conn:  # the bus delivers again
                await conn.execute("DELETE FROM checkpoints WHERE name LIKE $1", f"{POLICY}@%")
            await notified.settle()
            assert await notified.send() == 4
            assert await notified.send() == 0
    items = await notified.inbox("entity_admin", county["compounds"][0])
    assert [i["event_type"] for i in items].count(AWARDED) == 1
    assert [c["verified"] for c in receiver.calls] == [True]
    assert len(robots.messages["wecom"]) == 1 and len(robots.messages["dingtalk"]) == 1
    assert len(mailbox.received) == 1
