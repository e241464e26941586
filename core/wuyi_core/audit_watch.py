"""The audit chain watched from inside: a worker re-verifies its service's log now and then and
publishes the result as ``wuyi_audit_chain_broken`` (0 or 1), so that an alert fires on
tampering without anyone running ``wuyi audit verify`` (deploy/prometheus/alerts.yml).

A full verification reads the whole log, so it runs seldom (hourly by default,
``WUYI_AUDIT_VERIFY_SECONDS``; 0 turns it off) and only in workers, never on a request path.
"""

from __future__ import annotations

import logging

from wuyi_core import telemetry
from wuyi_core.audit import verify_chains
from wuyi_core.eventstore import EventStore
from wuyi_core.eventstore.checkpoints import AbstractCheckpointLog
from wuyi_core.loops import Loop, every

log = logging.getLogger(__name__)


async def check_chain(
    service: str, store: EventStore, checkpoints: AbstractCheckpointLog | None
) -> bool:
    """Verify ``store``'s log (against the latest signed checkpoint, if any) and publish it."""
    report = await verify_chains(store, await checkpoints.latest() if checkpoints else None)
    telemetry.audit_chain_broken.set(0 if report.ok else 1, {"service": service})
    if report.broken is not None:
        log.error(
            "audit chain of %s broken at position %s: %s",
            service,
            report.broken.position,
            report.broken.reason,
        )
    return report.ok


def audit_loop(
    service: str,
    store: EventStore,
    checkpoints: AbstractCheckpointLog | None,
    seconds: float,
) -> Loop:
    async def tick() -> None:
        await check_chain(service, store, checkpoints)

    return every(f"audit-verify:{service}", seconds, tick)
