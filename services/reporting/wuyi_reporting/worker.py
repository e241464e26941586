"""The reporting worker's loops: keep the registry replica current, record missed reports at
each deadline, and re-evaluate eligibility as days pass. Used by both modes; the loops run
supervised (``wuyi_core.supervision``)."""

from __future__ import annotations

from wuyi_core.bus.port import AbstractBus
from wuyi_core.loops import Loop, every, named

from wuyi_reporting.application.eligibility import sweep
from wuyi_reporting.application.missed import sweep_missed
from wuyi_reporting.application.township_completeness import measure_completeness
from wuyi_reporting.bootstrap import Reporting, registry_replica


def replica_loop(reporting: Reporting, bus: AbstractBus) -> Loop:
    runner = registry_replica(reporting, bus)
    return named(runner.name, runner.run)


def deadline_loop(
    reporting: Reporting, seconds: float = 30.0, eligibility_every: float = 3600.0
) -> Loop:
    """Sweep missed reports and measure today's completeness every ``seconds``; eligibility at
    start, then hourly."""
    ticks = {"since_eligibility": eligibility_every}

    async def tick() -> None:
        await sweep_missed(reporting)
        await measure_completeness(reporting)
        if ticks["since_eligibility"] >= eligibility_every:
            await sweep(reporting)
            ticks["since_eligibility"] = 0.0
        else:
            await sweep(reporting, new_only=True)
        ticks["since_eligibility"] += seconds

    return every("reporting.deadlines", seconds, tick)
