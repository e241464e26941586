"""The tenant's time zone, as reporting's settings publish it (``SettingsChanged``), kept by the
services whose days are the tenant's days (scoring's "today", the notifier's reminders). A
replayed or reordered settings event never moves a zone back: the stream version decides."""

from __future__ import annotations

from wuyi_contracts.envelope import Envelope

from wuyi_core.db.port import AbstractConnection

DEFAULT_ZONE = "Asia/Shanghai"

DDL = [
    """CREATE TABLE IF NOT EXISTS tenant_zones (
        tenant TEXT PRIMARY KEY, timezone TEXT NOT NULL, version BIGINT NOT NULL)""",
]


async def record(conn: AbstractConnection, envelope: Envelope) -> None:
    """Keep the zone of a reporting ``SettingsChanged`` envelope, unless a newer one is kept."""
    await conn.execute(
        "INSERT INTO tenant_zones (tenant, timezone, version) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant) DO UPDATE SET timezone = excluded.timezone,"
        " version = excluded.version WHERE excluded.version > tenant_zones.version",
        envelope.tenant,
        envelope.data["timezone"],
        envelope.streamversion or 0,
    )


async def zone(conn: AbstractConnection, tenant: str) -> str:
    value = await conn.fetchval("SELECT timezone FROM tenant_zones WHERE tenant = $1", tenant)
    return str(value or DEFAULT_ZONE)
