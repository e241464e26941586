"""The e-mail channel (电子邮件): one message over SMTP (aiosmtplib), zh-CN subject and body
first, English after, with the link to the dashboard.

SMTP has no idempotency key: a crash after the server accepted the message and before the
attempt was recorded sends it again. The ``Message-ID`` is the same on every attempt
(``<event id>.<subscription id>@wuyi``), so mail clients that thread or deduplicate by it show
one message; the protocol itself cannot promise more.
"""

from __future__ import annotations

import time
from email.message import EmailMessage

import aiosmtplib

from wuyi_notifier.adapters.webhook import Outcome
from wuyi_notifier.domain.templates import Message
from wuyi_notifier.settings import NotifierSettings


def compose(message: Message, to: str, message_id: str, settings: NotifierSettings) -> EmailMessage:
    link = f"{settings.dashboard_url.rstrip('/')}{message.link}"
    mail = EmailMessage()
    mail["Subject"] = f"【无疫】{message.title_zh} / {message.title_en}"
    mail["From"] = settings.smtp_sender
    mail["To"] = to
    mail["Message-ID"] = f"<{message_id}@wuyi>"
    mail.set_content(
        f"{message.body_zh}\n\n{message.body_en}\n\n查看 / View: {link}\n", charset="utf-8"
    )
    return mail


async def send(mail: EmailMessage, settings: NotifierSettings) -> Outcome:
    started = time.perf_counter()
    try:
        await aiosmtplib.send(
            mail,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            timeout=settings.webhook_timeout_seconds,
        )
    except aiosmtplib.SMTPRecipientsRefused as err:  # one recipient per message: its refusal
        return _refused(err.recipients[0], started)
    except aiosmtplib.SMTPResponseException as err:
        return _refused(err, started)
    except (aiosmtplib.SMTPException, OSError) as err:
        return Outcome(False, _ms(started), f"{type(err).__name__}: {err}"[:500])
    return Outcome(True, _ms(started))


def _refused(err: aiosmtplib.SMTPResponseException, started: float) -> Outcome:
    """5xx: the server refuses this message or address for good; 4xx: try again later."""
    final = 500 <= err.code < 600
    return Outcome(False, _ms(started), f"SMTP {err.code}: {err.message[:200]}", final=final)


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
