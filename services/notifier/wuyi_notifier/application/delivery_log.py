"""The delivery log, for county roles: every delivery and attempt, recipients masked."""

from __future__ import annotations

from typing import Any

from wuyi_core.auth import Principal, Role, require

from wuyi_notifier.adapters import deliveries
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.masking import mask

READERS = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_EVALUATOR})


async def delivery_log(
    notifier: Notifier,
    who: Principal,
    subscription_id: str | None,
    status: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    require(who, READERS, [])
    async with notifier.db.read() as conn:
        rows = await deliveries.listed(conn, who.tenant, subscription_id, status, limit)
        attempts = await deliveries.attempts_of(conn, [row["id"] for row in rows])
    history: dict[str, list[dict[str, Any]]] = {}
    for attempt in attempts:
        history.setdefault(attempt["delivery_id"], []).append(attempt)
    return [
        {
            **row,
            "recipient": mask(row["channel"], row["target"] or row["recipient"]),
            "history": history.get(row["id"], []),
        }
        for row in rows
    ]
