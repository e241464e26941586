"""The signed webhook channel against a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from wuyi_notifier.application.sending import DEAD_LETTERS
from wuyi_notifier.worker import consumers

from services.notifier.tests.county import SETTINGS_CHANGED, grids, missed, one_event
from services.notifier.tests.receiver import receiving

# The channel's behaviour does not depend on which event it carries: one event is enough (the
# award's whole path to every channel is test_award_everywhere's).
TYPES = [SETTINGS_CHANGED]


async def event(notified) -> None:
    await one_event(notified.stack)
    await notified.settle()


async def hook(notified, receiver, path: str, types=TYPES, **more) -> dict:
    sub = await notified.subscribe(f"{receiver.url}/{path}", types, **more)
    receiver.secrets[path] = sub["secret"]
    return sub


async def retry_until_settled(notified, rounds: int = 20) -> None:
    """Step the sender on the injected clock, past each backoff, until nothing is pending."""
    for _ in range(rounds):
        await notified.send()
        if not await notified.deliveries(status="pending"):
            return
        notified.stack.clock.set(notified.stack.clock.now() + timedelta(seconds=61))


async def test_an_event_makes_one_signed_cloudevent_call_the_receiver_verifies(notified):
    async with receiving() as receiver:
        sub = await hook(notified, receiver, "a")
        await event(notified)
        assert await notified.send() == 1
        assert await notified.send() == 0
    [call] = receiver.calls
    assert call["verified"]
    cloudevent = json.loads(call["body"])
    assert cloudevent["specversion"] == "1.0" and cloudevent["type"] == TYPES[0]
    assert cloudevent["data"]["cycle_days"] == 1
    assert call["key"] == f"{cloudevent['id']}:{sub['id']}"


async def test_the_call_continues_the_trace_of_the_request_that_caused_the_event(notified):
    """Issue #10: "traces"; the outgoing call is a span of the causing request's trace."""
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    async with receiving() as receiver:
        await hook(notified, receiver, "t")
        changed = await notified.stack.http.put(
            "/reporting/v1/settings",
            json={"cycle_days": 2},
            headers={
                **notified.stack.auth(),
                "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
            },
        )
        assert changed.status_code == 200, changed.text
        await notified.settle()
        assert await notified.send() == 1
    [call] = receiver.calls
    _, called_trace, called_span, _ = call["traceparent"].split("-")
    assert called_trace == trace_id and called_span != "00f067aa0ba902b7"


async def test_a_webhook_failing_three_times_then_succeeding_is_accepted_once(notified):
    async with receiving() as receiver:
        await hook(notified, receiver, "flaky")
        receiver.fail_first["flaky"] = 3
        await event(notified)
        await retry_until_settled(notified)
    assert len(receiver.calls) == 4
    assert len({c["key"] for c in receiver.calls}) == 1  # one idempotency key for all attempts
    assert len(receiver.accepted["flaky"]) == 1
    [delivery] = [d for d in await notified.deliveries() if d["channel"] == "webhook"]
    assert delivery["status"] == "delivered" and delivery["attempts"] == 4
    assert [h["status"] for h in delivery["history"]] == ["failed"] * 3 + ["delivered"]
    assert delivery["recipient"] == "http://127***"


async def test_a_webhook_that_always_fails_is_dead_lettered_while_others_go_on(notified):
    async with receiving() as receiver:
        await hook(notified, receiver, "down")
        good = await hook(notified, receiver, "up")
        receiver.fail_first["down"] = 10**6
        await event(notified)
        await retry_until_settled(notified)
    dead = await notified.deliveries(status="dead")
    assert len(dead) == 1 and dead[0]["last_error"].startswith("HTTP 503")
    assert receiver.accepted == {"up": [f"{dead[0]['event_id']}:{good['id']}"]}
    async with notified.notifier.db.read() as conn:
        parked = await conn.fetch(
            "SELECT event_id FROM dead_letters WHERE consumer = $1", DEAD_LETTERS
        )
    assert [p["event_id"] for p in parked] == [dead[0]["event_id"]]


async def test_a_replayed_dead_letter_is_sent_again(notified):
    async with receiving() as receiver:
        await hook(notified, receiver, "late")
        receiver.fail_first["late"] = 10**6
        await event(notified)
        await retry_until_settled(notified)
        receiver.fail_first["late"] = 0  # the receiver is fixed
        runner = next(r for r in consumers(notified.notifier, None) if r.name == DEAD_LETTERS)
        assert await runner.replay_dead_letters() == (1, 0)
        await notified.send()
    assert len(receiver.accepted["late"]) == 1
    assert await notified.deliveries(status="dead") == []


async def test_a_slow_receiver_does_not_hold_up_other_deliveries(notified):
    notified.notifier.settings.webhook_timeout_seconds = 0.3
    async with receiving() as receiver:
        await hook(notified, receiver, "slow")
        await hook(notified, receiver, "fast")
        receiver.slow.add("slow")
        receiver.slow_seconds = 1.0
        await event(notified)
        started = time.perf_counter()
        assert await notified.send() == 2
        took = time.perf_counter() - started
        accepted = list(receiver.accepted)
    assert took < 0.9  # the slow receiver sleeps 1 s; its call times out after 0.3 s
    assert accepted == ["fast"]
    [slow] = await notified.deliveries(status="pending")
    assert "Timeout" in slow["last_error"]


async def test_a_subscription_scoped_elsewhere_receives_nothing(notified):
    async with receiving() as receiver:
        county = await grids(notified.stack)
        await hook(notified, receiver, "x", ["cn.wuyi.reporting.*"], scope_id=county["town"])
        await hook(notified, receiver, "y", ["cn.wuyi.reporting.*"], scope_id="elsewhere")
        await missed(notified.stack)
        await notified.settle()
        await notified.send()
    assert [c["path"] for c in receiver.calls] == ["x", "x"]  # both grids' misses


async def test_only_the_county_admin_manages_subscriptions(notified):
    body = {"channel": "webhook", "target": "https://x.example/h", "event_types": ["*"]}
    response = await notified.http.post(
        "/notifier/v1/subscriptions", json=body, headers=notified.auth("county_evaluator")
    )
    assert response.status_code == 403
    bad = {**body, "event_types": ["cn.wuyi.scoring.*; drop"]}
    response = await notified.http.post(
        "/notifier/v1/subscriptions", json=bad, headers=notified.auth("county_admin")
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "event_types"
