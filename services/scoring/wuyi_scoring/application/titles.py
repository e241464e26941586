"""Titles after the award (动态管理): delisting (摘牌) by any cause, spot checks (抽查) and
rectification orders (限期整改), and the fall of a township title whose share falls short.

``delist`` runs inside a scoring unit of work, so the policy can call it within its consumer
transaction and a command within its own; either way the delisting, and any delisting it causes
in turn, commits together with what caused it.

``held_at`` keeps the policy correct in any order: a cause that arrives late (parked, then
replayed) takes only the titles that were held when it happened, never one awarded after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from wuyi_contracts.scoring import DelistReason, TitleDelisted
from wuyi_core.db.port import Row
from wuyi_core.eventstore import EventMetadata, NewEvent, StoredEvent

from wuyi_scoring.adapters.tx import Tx
from wuyi_scoring.application.nesting import share_of
from wuyi_scoring.domain.rules import component_share_holds


async def delist(
    tx: Tx,
    tenant: str,
    application_id: str,
    reason: DelistReason,
    metadata: EventMetadata,
    cause: tuple[str, str] | None = None,
    private: dict[str, Any] | None = None,
) -> StoredEvent | None:
    """Remove the title held through ``application_id``; None if it is not held (any more).
    ``cause`` is (event id, event type) of what caused it."""
    app = await tx.application(tenant, application_id)
    if not app.held:
        return None
    event = TitleDelisted(
        application_id=application_id,
        campaign_id=app.campaign_id,
        entity_id=app.entity_id,
        entity_name=app.entity_name,
        reason=reason,
        cause_event_id=cause[0] if cause else None,
        cause_type=cause[1] if cause else None,
        delisted_on=await tx.today(tenant),
        fraud=reason == "fraud",
    )
    [stored] = await tx.record(tenant, app, [NewEvent(event, private)], metadata)
    await _recheck_nesting(tx, tenant, app.campaign_id, app.entity_id, stored, metadata)
    return stored


async def held_at(tx: Tx, tenant: str, holders: Sequence[Row], moment: datetime) -> list[Row]:
    """The titles among ``holders`` already awarded at ``moment`` (award events' recorded
    times; an award at the very moment counts as held)."""
    return [h for h in holders if await tx.awarded_at(tenant, h["application_id"]) <= moment]


async def _recheck_nesting(
    tx: Tx,
    tenant: str,
    campaign_id: str,
    entity_id: str,
    cause: StoredEvent,
    metadata: EventMetadata,
) -> None:
    """A title lost under a township may bring the township's own title down with it."""
    lineage = await tx.lineage(tenant, entity_id)
    for outer in await tx.campaigns_nesting(tenant, campaign_id):
        assert outer.component is not None
        for holder in await tx.holders(tenant, lineage, outer.campaign_id):
            in_scope, titled = await share_of(tx, tenant, outer.component, holder["entity_id"])
            if not component_share_holds(outer.component, in_scope, titled):
                caused = EventMetadata(
                    actor="system:nesting-rule",
                    role="system",
                    correlation_id=metadata.correlation_id,
                    causation_id=cause.event_id,
                )
                await delist(
                    tx,
                    tenant,
                    holder["application_id"],
                    "component_share",
                    caused,
                    (cause.event_id, cause.type),
                )
