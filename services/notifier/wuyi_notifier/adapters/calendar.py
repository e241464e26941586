"""Campaign phases, batch closings and quotas, as scoring published them, and the tenant's
time zone, as reporting published it: what the county's reminders are computed from."""

from __future__ import annotations

import json
from datetime import datetime

from wuyi_contracts.envelope import Envelope
from wuyi_core import tenant_zones
from wuyi_core.db.port import AbstractConnection, Row

DEFAULT_DEADLINES = {3: "17:00", 2: "18:00"}  # reporting's ReportingSettings defaults


async def record_campaign(conn: AbstractConnection, envelope: Envelope) -> None:
    d = envelope.data
    await conn.execute(
        "INSERT INTO campaigns (campaign_id, tenant, title, phases, per_township)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (campaign_id) DO NOTHING",
        d["campaign_id"],
        envelope.tenant,
        d["title"],
        json.dumps(d["phases"]),
        d["quotas"]["per_township"],
    )


async def record_batch(conn: AbstractConnection, envelope: Envelope) -> None:
    d = envelope.data
    await conn.execute(
        "INSERT INTO batches (batch_id, tenant, campaign_id, name, closes_on)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (batch_id) DO NOTHING",
        d["batch_id"],
        envelope.tenant,
        d["campaign_id"],
        d["name"],
        d["closes_on"],
    )


async def record_settings(conn: AbstractConnection, envelope: Envelope) -> None:
    """Reporting's settings: the deadline of each grid level, and the time zone."""
    d = envelope.data
    await conn.execute(
        "INSERT INTO tenant_deadlines (tenant, level3_deadline, level2_deadline, version)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (tenant) DO UPDATE SET"
        " level3_deadline = excluded.level3_deadline, level2_deadline = excluded.level2_deadline,"
        " version = excluded.version WHERE excluded.version > tenant_deadlines.version",
        envelope.tenant,
        d["level3_deadline"],
        d["level2_deadline"],
        envelope.streamversion or 0,
    )
    await tenant_zones.record(conn, envelope)


async def deadlines(conn: AbstractConnection, tenant: str) -> dict[int, str]:
    """The report deadline (HH:MM, local) per grid level; reporting's defaults until changed."""
    row = await conn.fetchrow("SELECT * FROM tenant_deadlines WHERE tenant = $1", tenant)
    if row is None:
        return dict(DEFAULT_DEADLINES)
    return {3: str(row["level3_deadline"]), 2: str(row["level2_deadline"])}


async def campaigns(conn: AbstractConnection) -> list[Row]:
    rows = await conn.fetch("SELECT * FROM campaigns ORDER BY campaign_id")
    return [{**row, "phases": json.loads(row["phases"])} for row in rows]


async def batches(conn: AbstractConnection) -> list[Row]:
    return await conn.fetch(
        "SELECT b.*, c.per_township, c.title FROM batches b"
        " JOIN campaigns c ON c.campaign_id = b.campaign_id ORDER BY b.batch_id"
    )


async def applications_by_township(conn: AbstractConnection, batch_id: str) -> dict[str, int]:
    rows = await conn.fetch(
        "SELECT township_id, COUNT(*) AS n FROM applications WHERE batch_id = $1"
        " AND township_id IS NOT NULL GROUP BY township_id",
        batch_id,
    )
    return {row["township_id"]: int(row["n"]) for row in rows}


async def townships_and_county(
    conn: AbstractConnection, tenant: str
) -> tuple[list[Row], str | None]:
    rows = await conn.fetch(
        "SELECT id, name, kind FROM registry_entities WHERE tenant = $1"
        " AND kind IN ('county', 'township') AND closed_at IS NULL ORDER BY id",
        tenant,
    )
    county = next((r["id"] for r in rows if r["kind"] == "county"), None)
    return [r for r in rows if r["kind"] == "township"], county


async def remembered(conn: AbstractConnection, key: str, tenant: str, at: datetime) -> bool:
    """Claim the reminder's key; False when it was sent before (then send nothing)."""
    if await conn.fetchval("SELECT 1 FROM reminders WHERE key = $1", key) is not None:
        return False
    await conn.execute(
        "INSERT INTO reminders (key, tenant, sent_at) VALUES ($1, $2, $3)",
        key,
        tenant,
        at.isoformat(),
    )
    return True
