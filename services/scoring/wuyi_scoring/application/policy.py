"""The delisting policy: scoring's reaction to reporting's events.

- ``CaseReported`` of a kind its campaign delists for (``DelistingRules.case_kinds``,
  confirmed cases by default) delists, at once, every title held by that entity or any entity
  above it (a case in a compound takes the village's and the township's titles too); the case
  event is the delisting's cause.
- ``ComplaintVerified`` delists a titled entity whose verified complaints in the campaign's
  window reach its threshold.
- ``EligibilityGained``/``Lost`` and ``CaseLifted`` keep the facts submissions and awards check;
  ``SettingsChanged`` keeps the tenant's time zone.

The handler runs in the consumer's transaction: the processed-event record, the facts, and the
delistings commit together or not at all, so a redelivered event can neither be lost nor delist
twice.

Every branch is correct in any order (a failing event is parked and replayed after later events
of its entity), rather than holding later events of an entity behind a parked one: a case
replayed after an award could not otherwise know it had been lifted before that award.

- A lift that arrives before its case is remembered, and the case is filed lifted.
- A case delists the titles held while it was open: all current ones while no lift is known,
  else those awarded by the time the lift was recorded (the lift's ``envelope.time`` against
  the award event's recorded time).
- A complaint delists a title if, as of some verified complaint the title was already held at,
  the count in the window reached the threshold: the verdict each complaint would have given in
  time, whichever of them arrives last.
- Eligibility verdicts and time zones keep the newest stream version.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from wuyi_contracts.envelope import Envelope
from wuyi_core import tenant_zones
from wuyi_core.consumer import Handler
from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import EventMetadata
from wuyi_core.telemetry import traceparent

from wuyi_scoring.adapters import inbox
from wuyi_scoring.adapters.tx import Tx
from wuyi_scoring.application.titles import delist, held_at
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.rules import complaints_delist


class EntityNotReplicatedYet(LookupError):
    """The registry event naming the entity has not reached scoring yet: retry, then park."""


def delisting_policy(scoring: Scoring) -> Handler:
    async def handle(envelope: Envelope, conn: AbstractConnection) -> None:
        aggregate, change = envelope.type.split(".")[3:5]
        tenant = envelope.tenant or ""
        if envelope.service != "reporting":
            return
        if aggregate == "settings":
            await tenant_zones.record(conn, envelope)
            return
        if aggregate == "eligibility":
            await inbox.record_eligibility(conn, envelope)
            return
        if (aggregate, change) == ("case", "lifted"):
            await inbox.keep(conn, envelope, envelope.data["entity_id"])
            await inbox.lift_case(conn, envelope)
        elif (aggregate, change) == ("case", "reported"):
            await _case_reported(await scoring.within(conn, tenant), envelope)
        elif (aggregate, change) == ("complaint", "verified"):
            await _complaint_verified(await scoring.within(conn, tenant), envelope)

    return handle


def _metadata(envelope: Envelope) -> EventMetadata:
    return EventMetadata(
        actor="system:delisting-policy",
        role="system",
        correlation_id=envelope.correlationid or envelope.id,
        causation_id=envelope.id,
        traceparent=traceparent(),  # the consumer's span, continuing the case's trace
    )


async def _case_reported(tx: Tx, envelope: Envelope) -> None:
    tenant, entity_id = envelope.tenant or "", envelope.data["entity_id"]
    lineage = await tx.lineage(tenant, entity_id)
    if not lineage:
        raise EntityNotReplicatedYet(f"entity {entity_id} is not in scoring's registry replica")
    await inbox.keep(tx.conn, envelope, entity_id)
    await inbox.mark_case(tx.conn, envelope, lineage, envelope.data["date"])
    held = await tx.holders(tenant, lineage)
    lifted_at = await inbox.case_lifted_at(tx.conn, envelope.data["case_id"])
    if lifted_at is not None:  # arrived after its lift: spare titles awarded since
        held = await held_at(tx, tenant, held, lifted_at)
    # Widest title first: each falls for the case itself, not as a consequence of another.
    held.sort(key=lambda h: -lineage.index(h["entity_id"]))
    kind = envelope.data["kind"]
    for holder in held:
        campaign = await tx.campaign(tenant, holder["campaign_id"])
        if kind not in campaign.delisting.case_kinds:  # the campaign's rule, not every case
            continue
        await delist(
            tx,
            tenant,
            holder["application_id"],
            "case",
            _metadata(envelope),
            (envelope.id, envelope.type),
        )


async def _complaint_verified(tx: Tx, envelope: Envelope) -> None:
    tenant, entity_id = envelope.tenant or "", envelope.data["entity_id"]
    await inbox.keep(tx.conn, envelope, entity_id)
    zone = ZoneInfo(await tenant_zones.zone(tx.conn, tenant))
    await inbox.record_verified_complaint(
        tx.conn, envelope, envelope.time.astimezone(zone).date().isoformat()
    )
    verified = await inbox.verified_complaints(tx.conn, tenant, entity_id)
    days = [on for on, _ in verified]
    for holder in await tx.holders(tenant, [entity_id]):
        rules = (await tx.campaign(tenant, holder["campaign_id"])).delisting
        awarded_at = await tx.awarded_at(tenant, holder["application_id"])
        # each complaint's verdict as it would have been in time, if the title was held then
        if any(awarded_at <= at and complaints_delist(rules, days, on) for on, at in verified):
            await delist(
                tx,
                tenant,
                holder["application_id"],
                "complaints",
                _metadata(envelope),
                (envelope.id, envelope.type),
            )
