"""One township's quota status (申报指标) in every batch of the county's campaigns: the
township reviewer's page. Counted as the county's quota report counts them."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict
from typing import Any

from wuyi_core.auth import Principal, require
from wuyi_core.errors import InvalidInput

from wuyi_scoring.application.access import REVIEW_CHAIN, known_entity
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.quota_status import township_quota


async def quota_status(scoring: Scoring, who: Principal, township_id: str | None) -> dict[str, Any]:
    """Per batch (newest campaign first, batches in order): the township's quota, applied,
    pending and missing, and its applications' count per status."""
    township_id = township_id or who.scope
    if township_id is None:
        raise InvalidInput("请指定乡镇", "township_id is required", "township_id")
    async with scoring.reading() as tx:
        township, lineage = await known_entity(tx, who.tenant, township_id)
        require(who, REVIEW_CHAIN, lineage)
        if township["kind"] != "township":
            raise InvalidInput(
                f"{township['name']} 不是乡镇（街道）",
                f"township_id: {township_id} is not a township",
                "township_id",
            )
        campaigns = await tx.conn.fetch(
            f"SELECT campaign_id, data, launched_at FROM {tx.t['campaigns']} WHERE tenant = $1"
            " ORDER BY launched_at DESC, campaign_id",
            who.tenant,
        )
        batches = await tx.conn.fetch(
            f"SELECT batch_id, campaign_id, name, opens_on, closes_on FROM {tx.t['batches']}"
            " WHERE tenant = $1 ORDER BY opens_on, name, batch_id",
            who.tenant,
        )
        rows = await tx.conn.fetch(
            f"SELECT batch_id, status, COUNT(*) AS n FROM {tx.t['applications']}"
            " WHERE tenant = $1 AND township_id = $2 GROUP BY batch_id, status",
            who.tenant,
            township_id,
        )
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[row["batch_id"]][row["status"]] += int(row["n"])
    of_campaign = defaultdict(list)
    for batch in batches:
        of_campaign[batch["campaign_id"]].append(batch)
    listed = []
    for campaign in campaigns:
        data = json.loads(campaign["data"])
        required = int(data.get("quotas", {}).get("per_township", 0))
        for batch in of_campaign[campaign["campaign_id"]]:
            by_status = counts[batch["batch_id"]]
            listed.append(
                {
                    "campaign_id": campaign["campaign_id"],
                    "campaign_title": data["title"],
                    "batch_id": batch["batch_id"],
                    "batch_name": batch["name"],
                    "opens_on": batch["opens_on"],
                    "closes_on": batch["closes_on"],
                    **asdict(township_quota(required, by_status)),
                    "by_status": dict(sorted(by_status.items())),
                }
            )
    return {"township": {"id": township_id, "name": township["name"]}, "batches": listed}
