"""The notifier's policy: each event of reporting and scoring, once, becomes inbox items for
the default rules' mailboxes and pending deliveries for matching subscriptions.

It runs in the consumer's transaction: the effect and the processed event id commit together,
and every row is keyed by (event, recipient, channel), so a duplicate from the bus adds nothing.
Sending happens later, from the pending rows (``sending``), never inside this transaction.
"""

from __future__ import annotations

from datetime import timedelta

from wuyi_contracts import reporting, scoring
from wuyi_contracts.envelope import Envelope
from wuyi_core.consumer import Handler
from wuyi_core.db.port import AbstractConnection

from wuyi_notifier.adapters import (
    calendar,
    deliveries,
    escalations,
    facts,
    inbox,
    subscriptions,
)
from wuyi_notifier.adapters.subscriptions import Subscription
from wuyi_notifier.application.addressing import Subject, mailbox, subject_of
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.matching import subscribed
from wuyi_notifier.domain.rules import DEFERRED, Audience, rules_for
from wuyi_notifier.domain.templates import message_for, render, template_for

_OPENED = scoring.ApplicationOpened.event_type()
_REPORTED = {reporting.GridReportSubmitted.event_type(), reporting.GridReportCorrected.event_type()}
_CALENDAR = {
    scoring.CampaignLaunched.event_type(): calendar.record_campaign,
    scoring.BatchOpened.event_type(): calendar.record_batch,
    reporting.SettingsChanged.event_type(): calendar.record_settings,
}


def notify(notifier: Notifier) -> Handler:
    """The consumer handler of reporting's and scoring's events."""

    async def handle(envelope: Envelope, conn: AbstractConnection) -> None:
        await _learn(conn, envelope)
        rules = rules_for(envelope.type)
        subs = await subscriptions.active(conn, envelope.tenant)
        if not rules and not subs:
            return
        subject = await subject_of(conn, envelope)
        for rule in rules:
            if rule.audience in DEFERRED:
                grace = timedelta(minutes=notifier.settings.escalation_grace_minutes)
                await escalations.schedule(conn, envelope, envelope.time + grace)
            else:
                await tell(conn, envelope, subject, rule.audience, notifier)
        await _to_subscribers(conn, envelope, subject, subs, notifier)

    return handle


async def _learn(conn: AbstractConnection, envelope: Envelope) -> None:
    """Keep what later messages need: applications, reports seen, the calendar."""
    if envelope.type == _OPENED:
        await facts.record_application(conn, envelope)
    elif envelope.type in _REPORTED:
        await facts.record_report(conn, envelope)
    elif envelope.type in _CALENDAR:
        await _CALENDAR[envelope.type](conn, envelope)


async def _to_subscribers(
    conn: AbstractConnection,
    envelope: Envelope,
    subject: Subject,
    subs: list[Subscription],
    notifier: Notifier,
) -> None:
    """A pending delivery per matching subscription; robots and e-mail carry the words."""
    values = {**subject.values, "subject": envelope.subject}
    for sub in subs:
        if subscribed(sub.event_types, sub.scope_id, envelope.type, subject.lineage):
            words = None if sub.channel == "webhook" else message_for(envelope.type, values)
            now = notifier.clock.now()
            await deliveries.record(conn, envelope, sub.id, sub.channel, now, sub.id, message=words)


async def tell(
    conn: AbstractConnection,
    envelope: Envelope,
    subject: Subject,
    audience: Audience,
    notifier: Notifier,
) -> None:
    """File the in-app message for the audience's mailbox, and its delivery record."""
    box = mailbox(audience, subject, envelope.data)
    if box is None:
        return
    event = rules_for(envelope.type)[0].event
    message = render(template_for(event, audience in DEFERRED), subject.values)
    now = notifier.clock.now()
    await inbox.put(conn, envelope.tenant, *box, envelope.id, envelope.type, message, now)
    await deliveries.record(conn, envelope, "@".join(box), "inbox", now, delivered=True)
