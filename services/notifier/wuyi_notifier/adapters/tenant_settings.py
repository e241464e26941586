"""The notifier's own per-tenant settings, set by the county admin."""

from __future__ import annotations

from datetime import datetime

from wuyi_core.db.port import AbstractConnection


async def report_due_minutes(conn: AbstractConnection, tenant: str, default: int) -> int:
    value = await conn.fetchval(
        "SELECT report_due_minutes FROM tenant_settings WHERE tenant = $1", tenant
    )
    return default if value is None else int(value)


async def set_report_due_minutes(
    conn: AbstractConnection, tenant: str, minutes: int, by: str, at: datetime
) -> None:
    await conn.execute(
        "INSERT INTO tenant_settings (tenant, report_due_minutes, updated_by, updated_at)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (tenant) DO UPDATE SET"
        " report_due_minutes = excluded.report_due_minutes, updated_by = excluded.updated_by,"
        " updated_at = excluded.updated_at",
        tenant,
        minutes,
        by,
        at.isoformat(),
    )
