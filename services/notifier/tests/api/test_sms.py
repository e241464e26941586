"""SMS (短信) through Alibaba Cloud SendSms, against a loopback fake that checks the documented
request format and RPC signature: template code and parameters, per-number rate limits, error
codes mapped to retry or give up, and the number kept private."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from wuyi_contracts.envelope import Envelope
from wuyi_notifier.adapters import deliveries
from wuyi_notifier.application.sending import send_due
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.templates import Message
from wuyi_reporting.application.missed import sweep_missed

from services.notifier.tests.county import grids
from services.notifier.tests.receiver import AliyunSms, aliyun_sms
from tests.stacks import DAY

PHONE = "13800138000"
MISSED = "cn.wuyi.reporting.grid_report.missed.v1"


async def texting(notified, fake: AliyunSms) -> Notifier:
    """The notifier configured for the fake provider (an unconfigured one refuses SMS)."""
    settings = notified.notifier.settings
    settings.sms_endpoint = fake.url
    settings.sms_access_key_id = fake.access_key_id
    settings.sms_access_key_secret = fake.access_key_secret
    settings.sms_sign_name = "无疫通知"
    settings.sms_template_code = "SMS_154950909"
    return notified.notifier


async def subscribe(notified, target: str = f"+86 {PHONE}", types=(MISSED,)) -> dict:
    response = await notified.http.post(
        "/notifier/v1/subscriptions",
        json={"channel": "sms", "target": target, "event_types": list(types)},
        headers=notified.auth("county_admin"),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def queue(notified, sub: dict, n: int = 1) -> None:
    """``n`` deliveries to the subscription, as the policy records them."""
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
                conn, envelope, sub["id"], "sms", now, sub["id"], message=message
            )


async def test_a_missed_report_goes_out_as_one_signed_sendsms_per_number_and_minute(notified):
    """Issue #10: "SMS: one real provider's HTTP API request format and signature ... with
    per-recipient rate limits and template parameters"; two misses, one number, 1 a minute."""
    async with aliyun_sms() as fake:
        sender = await texting(notified, fake)
        await subscribe(notified)
        await grids(notified.stack)
        notified.stack.move_to(17, 1, DAY)
        assert await sweep_missed(notified.stack.reporting) == 2
        await notified.settle()
        assert await send_due(sender) == 1  # the second waits for the minute to pass
        assert await send_due(sender) == 0
        notified.stack.move_to(17, 2, DAY)
        assert await send_due(sender) == 1
    assert fake.refused == [] and len(fake.accepted) == 2
    form = fake.accepted[0]
    assert form["PhoneNumbers"] == PHONE and form["SignName"] == "无疫通知"
    assert form["TemplateCode"] == "SMS_154950909"
    params = json.loads(form["TemplateParam"])
    assert params["title"] == "日报逾期未报" and "日报逾期未报" in params["content"]
    log = await notified.deliveries()
    assert {(d["channel"], d["status"], d["recipient"]) for d in log if d["channel"] == "sms"} == {
        ("sms", "delivered", "+8***00")
    }
    assert {d["id"] for d in log if d["channel"] == "sms"} == {f["OutId"] for f in fake.accepted}


async def test_the_number_never_reaches_a_topic_or_the_delivery_log(notified):
    """Issue #10: "Contacts stay private. Phones ... are never on a topic"."""
    async with aliyun_sms() as fake:
        sender = await texting(notified, fake)
        sub = await subscribe(notified, target=PHONE)
        await queue(notified, sub)
        assert await send_due(sender) == 1
    assert len(fake.accepted) == 1
    stores = (
        notified.stack.reporting.store,
        notified.stack.scoring.store,
        notified.notifier.store,
    )
    for store in stores:
        for event in await store.read_all(0, 10_000):
            assert PHONE not in event.envelope().model_dump_json()
    log = json.dumps(await notified.deliveries())
    assert PHONE not in log and "13***00" in log


async def test_flow_control_is_retried_and_a_bad_number_or_template_is_given_up(notified):
    """isv.BUSINESS_LIMIT_CONTROL (触发流控) passes with time; isv.SMS_TEMPLATE_ILLEGAL does not."""
    async with aliyun_sms() as fake:
        sender = await texting(notified, fake)
        throttled = await subscribe(notified, target="13900139000")
        await queue(notified, throttled)
        fake.answers = ["isv.BUSINESS_LIMIT_CONTROL"]
        await send_due(sender)
        bad = await subscribe(notified, target="13700137000")
        await queue(notified, bad)
        fake.answers = ["isv.SMS_TEMPLATE_ILLEGAL"]
        await send_due(sender)
        notified.stack.clock.set(notified.stack.clock.now() + timedelta(minutes=2))
        await send_due(sender)
    by_sub = {d["subscription_id"]: d for d in await notified.deliveries()}
    assert by_sub[throttled["id"]]["status"] == "delivered"
    assert by_sub[throttled["id"]]["attempts"] == 2
    assert by_sub[bad["id"]]["status"] == "dead" and by_sub[bad["id"]]["attempts"] == 1
    assert by_sub[bad["id"]]["last_error"].startswith("isv.SMS_TEMPLATE_ILLEGAL")
    async with notified.notifier.db.read() as conn:
        parked = await conn.fetchval("SELECT COUNT(*) FROM dead_letters")
    assert parked == 1


async def test_a_wrong_key_secret_is_refused_by_the_fake_and_given_up(notified):
    """The fake recomputes the signature: a wrong secret is SignatureDoesNotMatch, for good."""
    async with aliyun_sms() as fake:
        sender = await texting(notified, fake)
        sender.settings.sms_access_key_secret = "not-the-secret"
        await queue(notified, await subscribe(notified, target=PHONE))
        await send_due(sender)
    assert fake.refused == ["SignatureDoesNotMatch"]
    [delivery] = await notified.deliveries()
    assert delivery["status"] == "dead"


async def test_sms_is_refused_until_configured_and_a_target_must_be_a_mobile_number(notified):
    body = {"channel": "sms", "target": PHONE, "event_types": ["*"]}
    unconfigured = await notified.http.post(
        "/notifier/v1/subscriptions", json=body, headers=notified.auth("county_admin")
    )
    assert unconfigured.status_code == 422
    assert unconfigured.json()["error"]["field"] == "channel"
    async with aliyun_sms() as fake:
        await texting(notified, fake)
    response = await notified.http.post(
        "/notifier/v1/subscriptions",
        json={"channel": "sms", "target": "010-12345678", "event_types": ["*"]},
        headers=notified.auth("county_admin"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "target"
