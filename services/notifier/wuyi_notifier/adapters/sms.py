"""The SMS channel (短信): one Alibaba Cloud ``SendSms`` call per delivery.

SendSms has no idempotency (Alibaba's SendSms document says so: 不支持幂等): a crash after the
provider accepted the message and before the attempt was recorded sends it again. ``OutId`` is
the delivery's id on every attempt, so the provider's send records (QuerySendDetails, receipts)
show such a duplicate. The number never appears in an error we record.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime

import httpx

from wuyi_notifier.adapters.webhook import Outcome
from wuyi_notifier.domain import sms
from wuyi_notifier.domain.templates import Message
from wuyi_notifier.settings import NotifierSettings


async def send(
    http: httpx.AsyncClient,
    settings: NotifierSettings,
    phone: str,
    message: Message,
    out_id: str,
    at: datetime,
) -> Outcome:
    form = sms.send_sms(
        access_key_id=settings.sms_access_key_id,
        secret=settings.sms_access_key_secret,
        phone=phone,
        sign_name=settings.sms_sign_name,
        template_code=settings.sms_template_code,
        params=sms.template_params(message),
        out_id=out_id,
        at=at,
        nonce=str(uuid.uuid4()),
        region=settings.sms_region,
    )
    started = time.perf_counter()
    try:
        response = await http.post(
            settings.sms_endpoint, data=form, timeout=settings.webhook_timeout_seconds
        )
        answer = response.json()
    except httpx.HTTPError as err:
        return Outcome(False, _ms(started), f"{type(err).__name__}"[:500])
    except ValueError:
        return Outcome(False, _ms(started), f"HTTP {response.status_code}: not JSON")
    code = str(answer.get("Code", "")) if isinstance(answer, dict) else ""
    if code == "OK":
        return Outcome(True, _ms(started))
    text = str(answer.get("Message", "")) if isinstance(answer, dict) else ""
    error = f"{code or f'HTTP {response.status_code}'}: {text[:200]}".replace(phone, "***")
    return Outcome(False, _ms(started), error, final=sms.gives_up(code))


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
