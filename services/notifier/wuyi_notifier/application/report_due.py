"""The "report due in N minutes" reminder (日报即将截止): the leader of every grid that has not
reported yet is told, N minutes before its level's deadline, N set per tenant.

Sent once per grid, day and kind: the sweep claims the key ``report_due:<grid>:<day>`` in the
transaction that files the message, under a lock. A sweep run again, by a second worker, or by
a worker that was down when the window opened and comes back before the deadline, sends it
once; after the deadline the miss (``GridReportMissed``) tells the leader instead.
"""

from __future__ import annotations

from datetime import datetime

from wuyi_core import tenant_zones
from wuyi_core.db.port import AbstractConnection, Row

from wuyi_notifier.adapters import calendar, facts, tenant_settings
from wuyi_notifier.application.reminders import remind
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.report_due import DueWindow, due_windows
from wuyi_notifier.domain.templates import REPORT_DUE

LOCK = "notifier.report-due"


async def sweep_report_due(notifier: Notifier) -> int:
    """Remind every grid whose deadline is within its tenant's N minutes; returns how many."""
    now, sent = notifier.clock.now(), 0
    default = notifier.settings.report_due_minutes
    async with notifier.db.transaction(lock=LOCK) as conn:
        for tenant in await _tenants(conn):
            minutes = await tenant_settings.report_due_minutes(conn, tenant, default)
            zone = await tenant_zones.zone(conn, tenant)
            for window in due_windows(now, zone, await calendar.deadlines(conn, tenant), minutes):
                for grid in await _expected(conn, tenant, window):
                    if await facts.reported(conn, grid["id"], str(window.day)):
                        continue
                    values = {
                        "tenant": tenant,
                        "grid_id": grid["id"],
                        "grid_name": grid["name"],
                        "date": window.day,
                        "deadline": window.deadline.strftime("%H:%M"),
                        "minutes": _left(now, window.deadline),
                    }
                    key = f"report_due:{grid['id']}:{window.day}"
                    box = ("grid_member", grid["id"])
                    sent += await remind(notifier, conn, key, REPORT_DUE, values, box)
    return sent


async def _tenants(conn: AbstractConnection) -> list[str]:
    rows = await conn.fetch("SELECT DISTINCT tenant FROM registry_grids ORDER BY tenant")
    return [str(r["tenant"]) for r in rows]


async def _expected(conn: AbstractConnection, tenant: str, window: DueWindow) -> list[Row]:
    """Grids of the level that must report by the deadline: registered before it, not closed."""
    rows = await conn.fetch(
        "SELECT id, name, registered_at, closed_at FROM registry_grids"
        " WHERE tenant = $1 AND level = $2 ORDER BY id",
        tenant,
        window.level,
    )
    return [
        r
        for r in rows
        if datetime.fromisoformat(r["registered_at"]) <= window.deadline
        and not (r["closed_at"] and datetime.fromisoformat(r["closed_at"]) <= window.deadline)
    ]


def _left(now: datetime, deadline: datetime) -> int:
    return max(1, round((deadline - now).total_seconds() / 60))
