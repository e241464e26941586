"""The e-mail channel over SMTP, against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from conftest import free_port
from services.notifier.tests.county import grids, missed, one_event


class Mailbox:
    """Accepts mail for everyone but ``nobody@...``, which it refuses for good (550)."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address: str, options) -> str:  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.received.append(mail)
        return "250 Message accepted"


@contextmanager
def smtp_server(notified) -> Iterator[Mailbox]:
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = notified.notifier.settings
    settings.smtp_host, settings.smtp_port, settings.smtp_starttls = "127.0.0.1", port, False
    settings.dashboard_url = "https://wuyi.example.cn"
    try:
        yield mailbox
    finally:
        controller.stop()


async def email_subscription(
    notified,
    to: str,
    types: tuple[str, ...] = ("cn.wuyi.scoring.application.awarded.v1",),
    scope_id: str | None = None,
) -> dict[str, Any]:
    body = {"channel": "email", "target": to, "event_types": list(types), "scope_id": scope_id}
    response = await notified.http.post(
        "/notifier/v1/subscriptions", json=body, headers=notified.auth("county_admin")
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


MISSED = ("cn.wuyi.reporting.grid_report.missed.v1",)


async def test_a_missed_report_sends_one_email_in_chinese_first_that_the_server_receives(
    notified,
):
    """One grid's miss (the award's e-mail is test_award_everywhere's)."""
    with smtp_server(notified) as mailbox:
        county = await grids(notified.stack)
        grid = county["level3"][0]
        await email_subscription(notified, "office@county.example.cn", MISSED, grid)
        await missed(notified.stack)
        await notified.settle()
        assert await notified.send() == 1
        assert await notified.send() == 0
    [mail] = mailbox.received
    assert mail["Subject"] == "【无疫】日报逾期未报 / Daily report overdue"
    assert mail["To"] == "office@county.example.cn"
    text = mail.get_content()
    assert text.index("小区1网格2026-03-10的日报逾期未报") < text.index("is overdue")
    assert f"https://wuyi.example.cn/#/grids/{grid}" in text
    [delivery] = [d for d in await notified.deliveries() if d["channel"] == "email"]
    assert delivery["status"] == "delivered" and delivery["recipient"] == "of***cn"


async def test_a_refused_address_is_given_up_at_once(notified):
    """SMTP 5xx is permanent: retrying cannot help."""
    with smtp_server(notified) as mailbox:
        types = (await one_event(notified.stack),)
        await email_subscription(notified, "nobody@county.example.cn", types)
        await notified.settle()
        await notified.send()
    assert mailbox.received == []
    [dead] = await notified.deliveries(status="dead")
    assert dead["last_error"].startswith("SMTP 550")


async def test_an_email_target_must_be_an_address(notified):
    body = {"channel": "email", "target": "https://x.example", "event_types": ["*"]}
    response = await notified.http.post(
        "/notifier/v1/subscriptions", json=body, headers=notified.auth("county_admin")
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "target"
