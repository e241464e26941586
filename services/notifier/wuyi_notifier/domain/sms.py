"""SMS through Alibaba Cloud SMS (阿里云短信服务, dysmsapi 2017-05-25 ``SendSms``): the request, its
RPC signature, the template parameters, per-recipient rate limits and what the error codes mean.

The request and signature follow Alibaba's documents (help.aliyun.com "SendSms - 发送短信",
document 55284, and the SMS "signature method" / 签名机制, alibabacloud.com/help/en/sms/
signature-method): the parameters, common and SendSms's own, are sorted by name, each name and
value percent-encoded per RFC 3986 (unreserved ``A-Z a-z 0-9 - _ . ~`` kept, space as ``%20``),
joined with ``=`` and ``&`` into the canonicalized query string;
``StringToSign = METHOD + "&" + percentEncode("/") + "&" + percentEncode(canonicalized)``;
``Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))``.

Rate limits: Alibaba's documented defaults for one number (help.aliyun.com document 2881383,
什么是短信发送流控限制) are 1 a minute, 5 an hour and 10 a day for verification codes, and
50 a day per signature and template for notifications; a submission counts whether or not the
carrier delivers it. The notifier keeps every number within 1/minute, 5/hour, 10/day by default
(``WUYI_NOTIFIER_SMS_PER_*``), under both rules, and queues the rest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from wuyi_notifier.domain.templates import Message

VERSION = "2017-05-25"
PHONE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
PARAM_CHARS = 35  # a template variable is cut to this many characters

# SendSms's ``Code`` (help.aliyun.com document 101346, 国内消息API错误码): "OK" is accepted.
# Throttled, out of quota or balance, or the platform's own error: may pass later, retried.
RETRY = frozenset(
    {
        "isv.BUSINESS_LIMIT_CONTROL",  # 触发流控 (per-number flow control)
        "isv.DAY_LIMIT_CONTROL",  # the account's daily limit set in the console
        "isv.MONTH_LIMIT_CONTROL",
        "isv.OUT_OF_SERVICE",  # 业务停机: balance exhausted, until recharged
        "isp.SYSTEM_ERROR",
        "Throttling.User",
        "SignatureNonceUsed",  # a nonce repeated: a fresh one is drawn on the next attempt
    }
)
# The number, the template, the signature or the account is wrong: waiting cannot help.
GIVE_UP = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.SMS_SIGN_ILLEGAL",
        "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.TEMPLATE_PARAMS_ILLEGAL",
        "isv.INVALID_PARAMETERS",
        "isv.INVALID_JSON_PARAM",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.SMS_CONTENT_ILLEGAL",
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.ACCOUNT_NOT_EXISTS",
        "isv.ACCOUNT_ABNORMAL",
        "isv.PRODUCT_UN_SUBSCRIPT",
        "isp.RAM_PERMISSION_DENY",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId.NotFound",
    }
)


def gives_up(code: str) -> bool:
    """Unknown codes are retried until the horizon, as for the robots."""
    return code in GIVE_UP


def phone_number(target: str) -> str | None:
    """The 11-digit mainland mobile number of a target (+86 / 0086 / 86 prefixes allowed)."""
    match = PHONE.fullmatch(target.replace(" ", "").replace("-", ""))
    return match.group(1) if match else None


def percent_encode(text: str) -> str:
    return quote(text, safe="-_.~")


def canonicalized(params: Mapping[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonicalized(params))}"


def signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    text = string_to_sign(method, params).encode()
    return base64.b64encode(hmac.new(f"{secret}&".encode(), text, hashlib.sha1).digest()).decode()


def template_params(message: Message) -> dict[str, str]:
    """The values of the template's ``${title}`` and ``${content}``: the zh-CN words only (an
    SMS is short, and its template is approved in Chinese); no link, which templates refuse."""
    return {"title": message.title_zh[:PARAM_CHARS], "content": message.body_zh[:PARAM_CHARS]}


def send_sms(
    *,
    access_key_id: str,
    secret: str,
    phone: str,
    sign_name: str,
    template_code: str,
    params: Mapping[str, str],
    out_id: str,
    at: datetime,
    nonce: str,
    region: str = "cn-hangzhou",
    method: str = "POST",
) -> dict[str, str]:
    """The signed parameters of one SendSms call (sent as the form body of a POST, so the
    number is never in a URL, an access log or a proxy's cache key)."""
    request = {
        "AccessKeyId": access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "OutId": out_id,
        "PhoneNumbers": phone,
        "RegionId": region,
        "SignName": sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "TemplateCode": template_code,
        "TemplateParam": json.dumps(dict(params), ensure_ascii=False, separators=(",", ":")),
        "Timestamp": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),  # ISO 8601, UTC
        "Version": VERSION,
    }
    return {**request, "Signature": signature(secret, method, request)}


def free_at(
    sent: Sequence[datetime], now: datetime, limits: Sequence[tuple[int, timedelta]]
) -> datetime | None:
    """None when one more message to the number fits every (count, window) limit now; else
    the first moment it does. ``sent``: the number's accepted messages, oldest first."""
    later = now
    for count, window in limits:
        inside = [t for t in sent if t > now - window]
        if len(inside) >= count:
            later = max(later, inside[len(inside) - count] + window)
    return None if later == now else later
