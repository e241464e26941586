"""The WeCom and DingTalk robot channels: one POST of a markdown message each."""

from __future__ import annotations

import time
from typing import Any

import httpx

from wuyi_notifier.adapters.webhook import Outcome
from wuyi_notifier.domain import robots
from wuyi_notifier.domain.templates import Message


async def post(
    http: httpx.AsyncClient,
    channel: str,
    target: str,
    secret: str | None,
    message: Message,
    dashboard: str,
    now_ms: int,
    timeout: float,
) -> Outcome:
    if channel == "wecom":
        url, body = target, robots.wecom_body(message, dashboard)
    else:
        url, body = (
            robots.dingtalk_url(target, secret, now_ms),
            robots.dingtalk_body(message, dashboard),
        )
    started = time.perf_counter()
    try:
        response = await http.post(url, json=body, timeout=timeout)
    except httpx.HTTPError as err:
        return Outcome(False, _ms(started), f"{type(err).__name__}: {err}"[:500])
    if response.status_code != 200:
        return Outcome(False, _ms(started), f"HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        return Outcome(False, _ms(started), "the robot's answer is not JSON")
    return _answer(channel, answer, _ms(started))


def _answer(channel: str, answer: Any, latency: int) -> Outcome:
    code = int(answer.get("errcode", -1)) if isinstance(answer, dict) else -1
    if code == 0:
        return Outcome(True, latency)
    message = str(answer.get("errmsg", "")) if isinstance(answer, dict) else ""
    error = f"errcode {code}: {message[:200]}"
    return Outcome(False, latency, error, final=robots.gives_up(channel, code))


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
