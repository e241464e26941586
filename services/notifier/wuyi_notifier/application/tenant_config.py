"""The notifier's per-tenant settings: read by the county's roles, changed by its admin with a
token for the whole tenant (as reporting's settings)."""

from __future__ import annotations

from typing import Any

from wuyi_core import tenant_zones
from wuyi_core.auth import Principal, Role, require

from wuyi_notifier.adapters import calendar, tenant_settings
from wuyi_notifier.bootstrap import Notifier

READERS = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_EVALUATOR})
ADMINS = frozenset({Role.COUNTY_ADMIN})


async def view(notifier: Notifier, who: Principal) -> dict[str, Any]:
    require(who, READERS, [])
    async with notifier.db.read() as conn:
        return await _view(notifier, conn, who.tenant)


async def change(notifier: Notifier, who: Principal, report_due_minutes: int) -> dict[str, Any]:
    require(who, ADMINS, [])
    async with notifier.db.transaction() as conn:
        await tenant_settings.set_report_due_minutes(
            conn, who.tenant, report_due_minutes, who.sub, notifier.clock.now()
        )
        return await _view(notifier, conn, who.tenant)


async def _view(notifier: Notifier, conn: Any, tenant: str) -> dict[str, Any]:
    default = notifier.settings.report_due_minutes
    return {
        "report_due_minutes": await tenant_settings.report_due_minutes(conn, tenant, default),
        "deadlines": {str(k): v for k, v in (await calendar.deadlines(conn, tenant)).items()},
        "timezone": await tenant_zones.zone(conn, tenant),
    }
