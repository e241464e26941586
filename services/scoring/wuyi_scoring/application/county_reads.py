"""Reads for the county's pages: the review-chain presets, the county's campaigns, and the
objections (异议) of an application with their texts, for the county that rules on them."""

from __future__ import annotations

from typing import Any

from wuyi_core.auth import Principal

from wuyi_scoring.application.access import COUNTY, authorize
from wuyi_scoring.application.campaigns import campaign_view
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.presets import PRESET_NAMES, PRESETS


def presets() -> list[dict[str, Any]]:
    """Every preset with its names and its chain."""
    return [
        {
            "name": name,
            "name_zh": PRESET_NAMES[name][0],
            "name_en": PRESET_NAMES[name][1],
            "review_chain": chain.model_dump(mode="json"),
        }
        for name, chain in PRESETS.items()
    ]


async def campaigns(scoring: Scoring, tenant: str) -> list[dict[str, Any]]:
    """The county's campaigns, the latest launched first, each with its batches."""
    async with scoring.reading() as tx:
        rows = await tx.conn.fetch(
            f"SELECT campaign_id FROM {tx.t['campaigns']} WHERE tenant = $1"
            " ORDER BY launched_at DESC, campaign_id",
            tenant,
        )
    return [await campaign_view(scoring, tenant, r["campaign_id"]) for r in rows]


async def objections(scoring: Scoring, who: Principal, application_id: str) -> dict[str, Any]:
    """The application's objections with their texts (contacts stay private), how often each
    was filed, pending first; for the county evaluators who rule on them."""
    view = await application_view(scoring, who.tenant, application_id)
    async with scoring.reading() as tx:
        await authorize(tx, who, COUNTY, view["entity_id"])
        rows = await tx.conn.fetch(
            f"SELECT objection_id AS id, text, status, filed_at FROM {tx.t['objections']}"
            " WHERE tenant = $1 AND application_id = $2 ORDER BY filed_at, objection_id",
            who.tenant,
            application_id,
        )
    counts = {o["id"]: o["count"] for o in view["objections"]}
    items = [{**row, "count": counts.get(row["id"], 1)} for row in rows]
    items.sort(key=lambda o: o["status"] != "pending")
    return {"application_id": application_id, "objections": items}
