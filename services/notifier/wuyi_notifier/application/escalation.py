"""The escalation sweep: a grid still missing its report after the grace period has its
parent grid's leader told, once.

Each due escalation is settled in one transaction under a lock: told (an inbox item keyed by
the miss's event id) or dropped (the report came in), and closed. A worker that was down over
the moment finds it due when it comes back; two workers take turns on the lock, and the closed
row and the item's unique key keep it to once.
"""

from __future__ import annotations

from wuyi_notifier.adapters import escalations, facts
from wuyi_notifier.application.addressing import subject_of
from wuyi_notifier.application.dispatch import tell
from wuyi_notifier.bootstrap import Notifier
from wuyi_notifier.domain.rules import Audience

LOCK = "notifier.escalations"


async def sweep_escalations(notifier: Notifier) -> int:
    """Settle every escalation now due; returns how many were told."""
    told = 0
    async with notifier.db.transaction(lock=LOCK) as conn:
        for envelope in await escalations.due(conn, notifier.clock.now()):
            d = envelope.data
            if not await facts.reported(conn, d["grid_id"], d["date"]):
                subject = await subject_of(conn, envelope)
                await tell(conn, envelope, subject, Audience.PARENT_GRID_LEADER, notifier)
                told += 1
            await escalations.close(conn, envelope.id)
    return told
