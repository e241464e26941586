"""The reporting worker's loops: keep the registry replica current, record missed reports at
each deadline, and re-evaluate eligibility as days pass. Used by both modes."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from wuyi_core.bus.port import AbstractBus
from wuyi_core.loops import Loop

from wuyi_reporting.application.eligibility import sweep
from wuyi_reporting.application.missed import sweep_missed
from wuyi_reporting.bootstrap import Reporting, registry_replica

log = logging.getLogger(__name__)


def replica_loop(reporting: Reporting, bus: AbstractBus) -> Loop:
    runner = registry_replica(reporting, bus)
    return runner.run


def deadline_loop(
    reporting: Reporting, every: float = 30.0, eligibility_every: float = 3600.0
) -> Loop:
    """Sweep missed reports every ``every`` seconds; eligibility at start, then hourly."""

    async def loop(stop: asyncio.Event) -> None:
        since_eligibility = eligibility_every
        while not stop.is_set():
            try:
                await sweep_missed(reporting)
                if since_eligibility >= eligibility_every:
                    await sweep(reporting)
                    since_eligibility = 0.0
                else:
                    await sweep(reporting, new_only=True)
            except Exception:
                log.exception("reporting sweep failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)
            since_eligibility += every

    return loop
