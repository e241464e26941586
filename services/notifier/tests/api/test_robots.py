"""WeCom (企业微信) and DingTalk (钉钉) group robots, against loopback fakes of their APIs."""

from __future__ import annotations

import uuid
from datetime import timedelta

from wuyi_contracts.envelope import Envelope
from wuyi_notifier.adapters import deliveries
from wuyi_notifier.domain.templates import Message

from services.notifier.tests.county import grids, missed
from services.notifier.tests.receiver import robot_fakes

AWARDS = ["cn.wuyi.scoring.application.awarded.v1"]
MISSED = ["cn.wuyi.reporting.grid_report.missed.v1"]


async def robot(
    notified,
    robots,
    vendor: str,
    types=AWARDS,
    secret: str | None = None,
    scope_id: str | None = None,
) -> dict:
    if vendor == "wecom":
        target = f"{robots.url}/cgi-bin/webhook/send?key=wecom-key"
    else:
        target = f"{robots.url}/robot/send?access_token=tok"
        secret = secret or robots.dingtalk_secret
    extra = {"secret": secret} if secret else {}
    response = await notified.http.post(
        "/notifier/v1/subscriptions",
        json={
            "channel": vendor,
            "target": target,
            "event_types": types,
            "scope_id": scope_id,
            **extra,
        },
        headers=notified.auth("county_admin"),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_miss_makes_one_wecom_and_one_signed_dingtalk_markdown_message(notified):
    """One grid's miss (the award's robot calls are test_award_everywhere's)."""
    async with robot_fakes() as robots:
        county = await grids(notified.stack)
        grid = county["level3"][0]
        await robot(notified, robots, "wecom", MISSED, scope_id=grid)
        await robot(notified, robots, "dingtalk", MISSED, scope_id=grid)
        await missed(notified.stack)
        await notified.settle()
        assert await notified.send() == 2
        assert await notified.send() == 0
    [wecom] = robots.messages["wecom"]
    assert wecom["markdown"]["content"].startswith("### 日报逾期未报\n")
    assert f"(/#/grids/{grid})" in wecom["markdown"]["content"]
    [dingtalk] = robots.messages["dingtalk"]  # the fake accepts only a valid signature
    assert dingtalk["markdown"]["title"] == "日报逾期未报"
    assert "Daily report overdue" in dingtalk["markdown"]["text"]


async def queue(notified, sub: dict, n: int) -> None:
    """``n`` deliveries to the robot, as the policy records them."""
    now = notified.stack.clock.now()
    message = Message("测试", "Test", "正文", "Body", "/")
    async with notified.notifier.db.transaction() as conn:
        for i in range(n):
            envelope = Envelope(
                id=str(uuid.uuid4()),
                source="/tenants/t1/scoring",
                subject=f"s{i}",
                time=now,
                type="cn.wuyi.scoring.application.awarded.v1",
                tenant="t1",
                data={},
            )
            await deliveries.record(
                conn, envelope, sub["id"], sub["channel"], now, sub["id"], message=message
            )


async def test_a_robot_gets_at_most_20_messages_a_minute_and_the_rest_wait(notified):
    """WeCom and DingTalk: 20 messages a minute per robot; the rest are queued, not lost."""
    async with robot_fakes() as robots:
        sub = await robot(notified, robots, "wecom")
        await queue(notified, sub, 25)
        assert await notified.send() == 20
        assert await notified.send() == 0  # still within the minute
        notified.stack.clock.set(notified.stack.clock.now() + timedelta(seconds=61))
        assert await notified.send() == 5
    assert len(robots.messages["wecom"]) == 25
    log = await notified.deliveries(limit=100)
    assert {d["status"] for d in log} == {"delivered"} and {d["attempts"] for d in log} == {1}


async def test_a_too_fast_answer_is_retried_and_a_bad_signature_is_given_up(notified):
    """WeCom 45009 (api freq out of limit) is retried; DingTalk 310000 (sign not match) is
    given up at once: waiting cannot fix a wrong secret."""
    async with robot_fakes() as robots:
        wecom = await robot(notified, robots, "wecom")
        dingtalk = await robot(notified, robots, "dingtalk", secret="SECnot-the-robots-secret")
        robots.answers["wecom"] = [45009]
        await queue(notified, wecom, 1)
        await queue(notified, dingtalk, 1)
        await notified.send()
        notified.stack.clock.set(notified.stack.clock.now() + timedelta(seconds=61))
        await notified.send()
    by_channel = {d["channel"]: d for d in await notified.deliveries()}
    assert by_channel["wecom"]["status"] == "delivered"
    assert by_channel["wecom"]["attempts"] == 2
    assert by_channel["dingtalk"]["status"] == "dead"
    assert by_channel["dingtalk"]["attempts"] == 1
    assert by_channel["dingtalk"]["last_error"].startswith("errcode 310000")
    assert "tok" not in by_channel["dingtalk"]["recipient"]  # the robot URL is masked
