"""A scoring unit of work: one transaction holding its tenant's append lock, with the tenant's
part of the ``scoring`` projection current inside it, and the reads a command or the policy
decides on (every one within the tenant)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from wuyi_contracts.rubric import RubricBody
from wuyi_contracts.scoring import CampaignLaunched
from wuyi_core import registry_replica, tenant_zones
from wuyi_core.clock import Clock
from wuyi_core.db.port import AbstractConnection, Row
from wuyi_core.errors import NotFound
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent, StoredEvent
from wuyi_core.eventstore.store import read_stream
from wuyi_core.projection import Projector

from wuyi_scoring.domain.application import ApplicationState, Status, active_key, fold
from wuyi_scoring.domain.seed_rubrics import BUILT_IN


@dataclass
class Tx:
    conn: AbstractConnection
    t: dict[str, str]
    store: EventStore
    projector: Projector
    clock: Clock
    tenant: str  # the tenant whose lock the transaction holds ("" for reads)
    transaction_id: int = 0  # set by the first append: what ``Scoring.transaction`` settles

    async def append(
        self,
        tenant: str,
        stream_id: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
        metadata: EventMetadata,
        *,
        claim: Sequence[tuple[str, str]] = (),
        release: Sequence[str] = (),
    ) -> list[StoredEvent]:
        if tenant != self.tenant:  # the lock held and the projection caught up are the tenant's
            raise ValueError(f"unit of work of tenant {self.tenant!r} cannot append to {tenant!r}")
        stored = await self.store.append_in(
            self.conn,
            tenant,
            stream_id,
            expected_version,
            events,
            metadata,
            claim=claim,
            release=release,
        )
        if stored:
            self.transaction_id = stored[-1].transaction_id
        # Later reads see these events.
        self.t = await self.projector.catch_up_tenant_in(self.conn, tenant)
        return stored

    async def record(
        self,
        tenant: str,
        app: ApplicationState,
        events: Sequence[NewEvent],
        metadata: EventMetadata,
        *,
        frees: bool = False,
    ) -> list[StoredEvent]:
        """Append to ``app``'s stream at the version it was read at; ``frees``: the entity may
        apply again (its rectification after a rejection or delisting is recorded)."""
        release = [active_key(app.campaign_id, app.entity_id)] if frees else []
        return await self.append(
            tenant,
            f"application:{app.application_id}",
            app.version,
            events,
            metadata,
            release=release,
        )

    async def today(self, tenant: str) -> date:
        return (
            self.clock.now().astimezone(ZoneInfo(await tenant_zones.zone(self.conn, tenant))).date()
        )

    async def application(self, tenant: str, application_id: str) -> ApplicationState:
        events = await read_stream(self.conn, tenant, f"application:{application_id}")
        state = fold((e.type.split(".")[4], e.data) for e in events)
        if state is None:
            raise NotFound(
                f"申报不存在：{application_id}", f"application {application_id} not found"
            )
        campaign = await self.campaign(tenant, state.campaign_id)
        return replace(state, chain=campaign.review_chain)

    async def earlier_applications(
        self, tenant: str, campaign_id: str, entity_id: str
    ) -> list[tuple[str, str, Status]]:
        """The entity's applications in the campaign as (application id, batch id, status)."""
        rows = await self.conn.fetch(
            f"SELECT application_id, batch_id, status FROM {self.t['applications']}"
            " WHERE tenant = $1 AND campaign_id = $2 AND entity_id = $3 ORDER BY application_id",
            tenant,
            campaign_id,
            entity_id,
        )
        return [(r["application_id"], r["batch_id"], Status(r["status"])) for r in rows]

    async def awarded_at(self, tenant: str, application_id: str) -> datetime:
        """When the title held through ``application_id`` was awarded: its award event's
        recorded time, to set against the time of a case's lift or a complaint."""
        events = await read_stream(self.conn, tenant, f"application:{application_id}")
        return next(e.recorded_at for e in events if e.type.split(".")[4] == "awarded")

    async def campaign(
        self, tenant: str, campaign_id: str, field: str = "campaign_id"
    ) -> CampaignLaunched:
        data = await self.conn.fetchval(
            f"SELECT data FROM {self.t['campaigns']} WHERE tenant = $1 AND campaign_id = $2",
            tenant,
            campaign_id,
        )
        if data is None:
            raise NotFound(f"创建活动不存在：{campaign_id}", f"{field}: no campaign {campaign_id}")
        return CampaignLaunched.model_validate(json.loads(data))

    async def batch(self, tenant: str, campaign_id: str, batch_id: str) -> Row:
        row = await self.conn.fetchrow(
            f"SELECT * FROM {self.t['batches']} WHERE tenant = $1 AND batch_id = $2"
            " AND campaign_id = $3",
            tenant,
            batch_id,
            campaign_id,
        )
        if row is None:
            raise NotFound(f"该活动没有此批次：{batch_id}", f"batch_id: no batch {batch_id}")
        return row

    async def rubric(self, tenant: str, rubric_id: str) -> tuple[RubricBody, int]:
        if rubric_id in BUILT_IN:
            return BUILT_IN[rubric_id], 1
        row = await self.conn.fetchrow(
            f"SELECT body, version FROM {self.t['rubrics']} WHERE tenant = $1 AND rubric_id = $2",
            tenant,
            rubric_id,
        )
        if row is None:
            raise NotFound(f"评分标准不存在：{rubric_id}", f"rubric_id: no rubric {rubric_id}")
        return RubricBody.model_validate(json.loads(row["body"])), int(row["version"])

    async def holders(
        self, tenant: str, entity_ids: Sequence[str], campaign_id: str | None = None
    ) -> list[Row]:
        """Awarded applications (current titles) of ``entity_ids``."""
        if not entity_ids:
            return []
        marks = ", ".join(f"${i}" for i in range(2, len(entity_ids) + 2))
        rows = await self.conn.fetch(
            f"SELECT * FROM {self.t['applications']} WHERE tenant = $1 AND status = 'awarded'"
            f" AND entity_id IN ({marks}) ORDER BY application_id",
            tenant,
            *entity_ids,
        )
        return [r for r in rows if campaign_id is None or r["campaign_id"] == campaign_id]

    async def campaigns_nesting(self, tenant: str, campaign_id: str) -> list[CampaignLaunched]:
        """Campaigns whose title rests on holders of ``campaign_id``'s title."""
        rows = await self.conn.fetch(
            f"SELECT data FROM {self.t['campaigns']} WHERE tenant = $1", tenant
        )
        campaigns = [CampaignLaunched.model_validate(json.loads(r["data"])) for r in rows]
        return [c for c in campaigns if c.component and c.component.campaign_id == campaign_id]

    async def entity(self, tenant: str, entity_id: str) -> Row | None:
        return await registry_replica.entity(self.conn, tenant, entity_id)

    async def lineage(self, tenant: str, entity_id: str) -> list[str]:
        return await registry_replica.lineage(self.conn, tenant, entity_id)

    async def subtree_of_kinds(
        self, tenant: str, entity_id: str, kinds: Sequence[str]
    ) -> list[str]:
        """Open entities of ``kinds`` in the subtree of ``entity_id``."""
        rows = await self.conn.fetch(
            """WITH RECURSIVE w(id) AS (
                    SELECT id FROM registry_entities WHERE tenant = $1 AND id = $2
                    UNION ALL
                    SELECT e.id FROM registry_entities e JOIN w ON e.parent_id = w.id
                    WHERE e.tenant = $1)
                SELECT e.id, e.kind FROM w JOIN registry_entities e ON e.id = w.id
                WHERE e.closed_at IS NULL ORDER BY e.id""",
            tenant,
            entity_id,
        )
        return [r["id"] for r in rows if r["kind"] in kinds]
