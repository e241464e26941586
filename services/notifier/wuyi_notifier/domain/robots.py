"""Group robots (群机器人) of WeCom (企业微信) and DingTalk (钉钉): their markdown messages,
DingTalk's signed URL, their rate limit, and what their error codes mean.

Both answer HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}`` on success and a non-zero
``errcode`` otherwise. A code that says "too fast" or "busy" is retried; one that says the robot
or the message is wrong (bad key, keyword missing, bad signature) will not get better by
waiting and is given up at once. An unknown code is retried (until the horizon).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import quote_plus

from wuyi_notifier.domain.templates import Message

RATE_PER_MINUTE = 20  # both vendors: 20 messages a minute per robot

WECOM_RETRY = frozenset({-1, 45009, 45033})  # busy; api freq out of limit; concurrency
WECOM_GIVE_UP = frozenset({40008, 40058, 93000, 93004, 93008})  # bad type/param; bad key
DINGTALK_RETRY = frozenset({-1, 130101, 410100})  # busy; sending too fast; flow control
DINGTALK_GIVE_UP = frozenset({300001, 310000, 400101, 400102})  # bad token; keyword/sign/ip


def gives_up(channel: str, errcode: int) -> bool:
    codes = WECOM_GIVE_UP if channel == "wecom" else DINGTALK_GIVE_UP
    return errcode in codes


def markdown(message: Message, dashboard: str) -> str:
    """zh-CN first, English second, and the link to the item."""
    link = f"{dashboard.rstrip('/')}{message.link}" if dashboard else message.link
    return (
        f"### {message.title_zh}\n{message.body_zh}\n\n"
        f"> {message.title_en}: {message.body_en}\n\n[查看 / View]({link})"
    )


def wecom_body(message: Message, dashboard: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": markdown(message, dashboard)}}


def dingtalk_body(message: Message, dashboard: str) -> dict[str, Any]:
    text = markdown(message, dashboard)
    return {"msgtype": "markdown", "markdown": {"title": message.title_zh, "text": text}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256 over ``timestamp + "\\n" + secret``, URL-encoded."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256)
    return quote_plus(base64.b64encode(mac.digest()).decode())


def dingtalk_url(target: str, secret: str | None, timestamp_ms: int) -> str:
    if not secret:
        return target
    joiner = "&" if "?" in target else "?"
    return f"{target}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"
