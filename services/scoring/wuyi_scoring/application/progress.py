"""What the county's command centre charts: a campaign's applications by status per day, and
per township its applications and titles awarded (比学赶超); and the public list of campaigns
(so the public page needs no tenant id)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wuyi_core import registry_replica, tenant_zones
from wuyi_core.auth import Principal, Role

from wuyi_scoring.application.access import authorize_county
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.application import STATUS_ZH, Status
from wuyi_scoring.domain.progress import statuses_by_day

CHARTERS = frozenset({Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN})
MAX_DAYS = 366


async def campaign_progress(scoring: Scoring, who: Principal, campaign_id: str) -> dict[str, Any]:
    """Applications by status at the end of each day from the campaign's launch (at most the
    last 366 days) to today, and per township the applications and the current title holders;
    counts only, no names of people (county-wide readers)."""
    async with scoring.reading() as tx:
        await authorize_county(tx, who, CHARTERS)
        await tx.campaign(who.tenant, campaign_id)  # 404 for an unknown campaign
        launched = await tx.conn.fetchval(
            f"SELECT launched_at FROM {tx.t['campaigns']} WHERE tenant = $1 AND campaign_id = $2",
            who.tenant,
            campaign_id,
        )
        zone = ZoneInfo(await tenant_zones.zone(tx.conn, who.tenant))
        today = await tx.today(who.tenant)
        apps = await tx.conn.fetch(
            f"SELECT application_id, township_id, status FROM {tx.t['applications']}"
            " WHERE tenant = $1 AND campaign_id = $2",
            who.tenant,
            campaign_id,
        )
        streams = {f"application:{a['application_id']}" for a in apps}
        rows = await tx.conn.fetch(
            "SELECT stream_id, type, recorded_at FROM events WHERE tenant = $1"
            " AND stream_id LIKE 'application:%' ORDER BY position",
            who.tenant,
        )
        names = {}
        for township_id in {a["township_id"] for a in apps if a["township_id"]}:
            entity = await registry_replica.entity(tx.conn, who.tenant, township_id)
            names[township_id] = entity["name"] if entity else township_id
    histories: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for row in rows:
        if row["stream_id"] in streams:
            when = datetime.fromisoformat(str(row["recorded_at"])).astimezone(zone).date()
            histories[row["stream_id"]].append((when, str(row["type"]).split(".")[4]))
    first = datetime.fromisoformat(str(launched)).astimezone(zone).date()
    first = max(first, today - timedelta(days=MAX_DAYS - 1))
    days = statuses_by_day(histories.values(), first, max(first, today))
    per_township: dict[str, Counter[str]] = defaultdict(Counter)
    for a in apps:
        key = a["township_id"] or ""
        per_township[key]["applications"] += 1
        per_township[key]["awarded"] += a["status"] == Status.AWARDED.value
    return {
        "campaign_id": campaign_id,
        "statuses": [{"status": s.value, "status_zh": STATUS_ZH[s]} for s in Status],
        "days": [{"date": d.isoformat(), "counts": dict(counts)} for d, counts in days],
        "townships": sorted(
            (
                {
                    "township_id": key or None,
                    "name": names.get(key, key),
                    "applications": counts["applications"],
                    "awarded": counts["awarded"],
                }
                for key, counts in per_township.items()
            ),
            key=lambda t: (-t["awarded"], str(t["name"])),
        ),
    }


async def public_campaigns(scoring: Scoring) -> dict[str, Any]:
    """Every campaign of the deployment, newest first: title, document, issuer, award title and
    its county (tenant); public like the 文件 that launched it."""
    async with scoring.reading() as tx:
        rows = await tx.conn.fetch(
            f"SELECT campaign_id, tenant, data, launched_at FROM {tx.t['campaigns']}"
            " ORDER BY launched_at DESC, campaign_id"
        )
    campaigns = []
    for row in rows:
        data = json.loads(row["data"])
        campaigns.append(
            {
                "id": row["campaign_id"],
                "tenant": row["tenant"],
                "title": data["title"],
                "doc_number": data["doc_number"],
                "issuer": data["issuer"],
                "award_title": data["award_title"],
                "launched_at": row["launched_at"],
            }
        )
    return {"campaigns": campaigns}
