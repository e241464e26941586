"""An entity's public history (no sign-in): its public notices, awards and delistings, in
order. Built from a fixed list of fields of those three events only, so that nothing personal
(actors, notes, objection texts and contacts, inspectors, evidence) can reach it."""

from __future__ import annotations

from typing import Any

from wuyi_core.errors import NotFound
from wuyi_core.eventstore import StoredEvent
from wuyi_core.eventstore.store import read_stream

from wuyi_scoring.application.public import REASONS_ZH
from wuyi_scoring.bootstrap import Scoring

# the only events shown, and the only fields of each (besides the kind and the campaign)
PUBLIC_FIELDS = {
    "public_notice_opened": ("opens_on", "closes_on", "final_score"),
    "awarded": ("awarded_on", "award_title", "score", "rubric_version"),
    "delisted": ("delisted_on", "reason", "fraud"),
}


async def public_history(scoring: Scoring, entity_id: str) -> dict[str, Any]:
    async with scoring.reading() as tx:
        apps = await tx.conn.fetch(
            f"SELECT application_id, tenant, campaign_id, entity_name, status"
            f" FROM {tx.t['applications']} WHERE entity_id = $1 ORDER BY application_id",
            entity_id,
        )
        if not apps:
            raise NotFound(
                f"该主体没有公开的创建记录：{entity_id}", f"no public record of entity {entity_id}"
            )
        tenant = str(apps[0]["tenant"])
        events: list[tuple[StoredEvent, str]] = []
        titles: dict[str, dict[str, str]] = {}
        for app in apps:
            if app["tenant"] != tenant:
                continue
            stream = await read_stream(tx.conn, tenant, f"application:{app['application_id']}")
            events += [(e, app["campaign_id"]) for e in stream]
            if app["campaign_id"] not in titles:
                campaign = await tx.campaign(tenant, app["campaign_id"])
                titles[app["campaign_id"]] = {
                    "title": campaign.title,
                    "doc_number": campaign.doc_number,
                    "issuer": campaign.issuer,
                    "award_title": campaign.award_title,
                }
    entries = []
    for event, campaign_id in sorted(events, key=lambda pair: pair[0].position):
        kind = event.type.split(".")[4]
        fields = PUBLIC_FIELDS.get(kind)
        if fields is None:
            continue
        entry: dict[str, Any] = {"kind": kind, "campaign_id": campaign_id}
        entry.update({f: event.data.get(f) for f in fields})
        if kind == "delisted":
            entry["reason_zh"] = REASONS_ZH.get(str(entry["reason"]), str(entry["reason"]))
        entries.append(entry)
    holding = any(a["status"] == "awarded" for a in apps if a["tenant"] == tenant)
    return {
        "entity_id": entity_id,
        "entity_name": apps[-1]["entity_name"],
        "titled": holding,
        "campaigns": titles,
        "events": entries,
    }
