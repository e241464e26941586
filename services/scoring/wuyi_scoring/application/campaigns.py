"""Campaigns (创建活动) and their batches (批次), and the batch's quota report (申报指标)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from wuyi_contracts.scoring import BatchOpened, CampaignLaunched
from wuyi_core.auth import Principal
from wuyi_core.errors import Conflict, InvalidInput
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id

from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import ADMINS, authorize_county
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.rules import quota_report


async def launch_campaign(
    scoring: Scoring, who: Principal, cid: str, cmd: c.LaunchCampaign
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        await authorize_county(tx, who, ADMINS)
        rubric, version = await tx.rubric(who.tenant, cmd.rubric_id)
        marks = {
            "application_mark": rubric.application_mark
            if cmd.application_mark is None
            else cmd.application_mark,
            "pass_mark": rubric.pass_mark if cmd.pass_mark is None else cmd.pass_mark,
        }
        for field, mark in marks.items():
            if mark > rubric.max_total:
                raise InvalidInput(
                    f"{field} 不能超过评分标准满分 {rubric.max_total:g}",
                    f"{field}: {mark:g} exceeds the rubric's total of {rubric.max_total:g}",
                    field,
                )
        if cmd.component is not None:
            await tx.campaign(who.tenant, cmd.component.campaign_id, "component.campaign_id")
        campaign_id = new_id()
        event = CampaignLaunched.model_validate(
            {
                **cmd.model_dump(exclude={"preset", "review_chain"}),
                "review_chain": cmd.chain,
                **marks,
                "campaign_id": campaign_id,
                "rubric_version": version,
            }
        )
        await tx.append(
            who.tenant, f"campaign:{campaign_id}", 0, [NewEvent(event)], EventMetadata.of(who, cid)
        )
    return await campaign_view(scoring, who.tenant, campaign_id)


async def open_batch(
    scoring: Scoring, who: Principal, cid: str, campaign_id: str, cmd: c.OpenBatch
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        await authorize_county(tx, who, ADMINS)
        await tx.campaign(who.tenant, campaign_id)
        if await tx.conn.fetchval(
            f"SELECT 1 FROM {tx.t['batches']} WHERE campaign_id = $1 AND name = $2",
            campaign_id,
            cmd.name,
        ):
            raise Conflict(
                f"该活动已有名为「{cmd.name}」的批次", f"batch {cmd.name} already exists", "name"
            )
        batch_id = new_id()
        event = BatchOpened(campaign_id=campaign_id, batch_id=batch_id, **cmd.model_dump())
        await tx.append(
            who.tenant,
            f"campaign:{campaign_id}",
            None,
            [NewEvent(event)],
            EventMetadata.of(who, cid),
        )
    return {"id": batch_id, "campaign_id": campaign_id, **cmd.model_dump(mode="json")}


async def campaign_view(scoring: Scoring, tenant: str, campaign_id: str) -> dict[str, Any]:
    async with scoring.reading() as tx:
        conn = tx.conn
        campaign = await tx.campaign(tenant, campaign_id)
        batches = await conn.fetch(
            f"SELECT batch_id AS id, name, opens_on, closes_on FROM {tx.t['batches']}"
            " WHERE tenant = $1 AND campaign_id = $2 ORDER BY opens_on, name",
            tenant,
            campaign_id,
        )
    data = json.loads(campaign.model_dump_json())
    return {"id": data.pop("campaign_id"), **data, "batches": batches}


async def quota_view(
    scoring: Scoring, tenant: str, campaign_id: str, batch_id: str
) -> dict[str, Any]:
    """Which townships (and the county, per kind) are short of the batch's minimum."""
    async with scoring.reading() as tx:
        conn = tx.conn
        campaign = await tx.campaign(tenant, campaign_id)
        await tx.batch(tenant, campaign_id, batch_id)
        county = await conn.fetchval(
            "SELECT id FROM registry_entities WHERE tenant = $1 AND kind = 'county'", tenant
        )
        townships = await conn.fetch(
            "SELECT id, name FROM registry_entities WHERE tenant = $1 AND kind = 'township'"
            " AND closed_at IS NULL ORDER BY name, id",
            tenant,
        )
        applied = await conn.fetch(
            f"SELECT township_id, entity_kind FROM {tx.t['applications']}"
            " WHERE tenant = $1 AND batch_id = $2 AND status <> 'draft'"
            " AND status <> 'self_assessed'",
            tenant,
            batch_id,
        )
    short = quota_report(
        campaign.quotas,
        county or "",
        [t["id"] for t in townships],
        Counter(a["township_id"] for a in applied if a["township_id"]),
        Counter(a["entity_kind"] for a in applied),
    )
    names = {t["id"]: t["name"] for t in townships}
    return {
        "campaign_id": campaign_id,
        "batch_id": batch_id,
        "quotas": campaign.quotas.model_dump(mode="json"),
        "met": not short,
        "short": [
            {**s.__dict__, "name": names.get(s.scope_id), "missing": s.required - s.applied}
            for s in short
        ],
    }
