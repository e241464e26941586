"""Subscriptions are managed by the county admin (县级管理员)."""

from __future__ import annotations

import re

from wuyi_core.auth import Principal, Role, require
from wuyi_core.errors import InvalidInput, NotFound

from wuyi_notifier.adapters import subscriptions
from wuyi_notifier.adapters.subscriptions import Subscription
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.matching import PATTERN
from wuyi_notifier.domain.sms import phone_number

MANAGERS = frozenset({Role.COUNTY_ADMIN})


async def subscribe(
    notifier: Notifier,
    who: Principal,
    channel: str,
    target: str,
    event_types: list[str],
    scope_id: str | None,
    secret: str | None = None,
) -> Subscription:
    require(who, MANAGERS, [])
    if channel == "sms" and not notifier.settings.sms_configured:
        raise InvalidInput(
            "短信通道未配置（WUYI_NOTIFIER_SMS_*）",
            "channel: SMS is not configured (WUYI_NOTIFIER_SMS_*)",
            "channel",
        )
    _check_target(channel, target)
    if secret is not None and channel != "dingtalk":
        raise InvalidInput(
            "只有钉钉机器人需要提供加签密钥",
            "secret: only a dingtalk robot takes a secret (webhook secrets are made here)",
            "secret",
        )
    for pattern in event_types:
        if not PATTERN.fullmatch(pattern):
            raise InvalidInput(
                f"事件类型格式不正确：{pattern}（如 cn.wuyi.scoring.*）",
                f"event_types: {pattern!r} is not a CloudEvents type pattern"
                " (e.g. cn.wuyi.scoring.*)",
                "event_types",
            )
    async with notifier.db.transaction() as conn:
        return await subscriptions.add(
            conn,
            who.tenant,
            channel,
            target,
            event_types,
            scope_id,
            who.sub,
            notifier.clock.now(),
            secret,
        )


_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_ADDRESS = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


def _check_target(channel: str, target: str) -> None:
    if channel == "sms":
        if phone_number(target) is None:
            raise InvalidInput(
                "target：须为中国内地手机号", "target: must be a mainland mobile number", "target"
            )
    elif channel == "email":
        if not _ADDRESS.fullmatch(target):
            raise InvalidInput(
                "target：须为电子邮件地址", "target: must be an e-mail address", "target"
            )
    elif not _URL.fullmatch(target):
        raise InvalidInput("target：须为 http(s) 地址", "target: must be an http(s) URL", "target")


async def listed(notifier: Notifier, who: Principal) -> list[Subscription]:
    require(who, MANAGERS, [])
    async with notifier.db.read() as conn:
        return await subscriptions.listed(conn, who.tenant)


async def unsubscribe(notifier: Notifier, who: Principal, sid: str) -> None:
    require(who, MANAGERS, [])
    async with notifier.db.transaction() as conn:
        sub = await subscriptions.get(conn, sid)
        if sub is None or sub.tenant != who.tenant:
            raise NotFound(f"订阅不存在：{sid}", f"no subscription {sid}", "subscription_id")
        await subscriptions.deactivate(conn, who.tenant, sid)
