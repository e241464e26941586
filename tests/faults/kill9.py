"""kill -9 at random moments, over many trials per process kind (issue #8's fault suite): what
the three modules ``test_kill9_*.py`` share, one module per process kind so that the test
command's workers (``--dist loadfile``) run the kinds side by side.

Each kind runs a workload of commands while its process is killed with SIGKILL at a random
moment and started again, ``trials(2)`` times in the test command (``WUYI_FAULT_TRIALS``
sets more: ``scripts/fault-suite`` runs 50 by default, and every stop's docs/reliability.md comes
from such a run). Two keep both kinds of moment of the workers (odd trials: while one
starts; even: while it works), for the test command's time.
Every command the system accepted (a 2xx answer) is recorded. After each trial, with the
process dead, the invariants are checked; at the end, after a last restart has caught up:

- every accepted command's event exists exactly once in its log (and on the topic);
- every consumer's effects match exactly the events it recorded as processed;
- every delisting a case requires happened exactly once;
- every projection equals its rebuild from the log.

The seed is printed; ``WUYI_FAULT_SEED`` replays a failing series.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from typing import Any

from tests.faults.processes import Workload, sql
from tests.faults.record import record, trials

TRIALS = trials(2)


async def until(check: Any, timeout: float, what: str) -> None:
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.3)
    print(f"  {what}: done")


async def random_moment(rng: random.Random, trial: int, progress: Any) -> None:
    """Odd trials kill a worker while it starts (joins its group, migrates, catches up); even
    ones once it has applied something more, at a random moment of its work."""
    if trial % 2:
        await asyncio.sleep(rng.uniform(0.1, 4.0))
        return
    before = await progress()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(60):
            while await progress() <= before:
                await asyncio.sleep(0.1)
    await asyncio.sleep(rng.uniform(0.0, 2.0))


async def processed(url: str, schema: str) -> int:
    rows = await sql(url, f"SELECT COUNT(*) AS n FROM {schema}.processed_events")
    return int(rows[0]["n"]) if rows else 0


def record_series(
    kind: str, seed: int, workload: Workload, failures: list[str], **facts: Any
) -> None:
    record(
        "kill-9",
        f"SIGKILL of the {kind} at random moments",
        process=kind,
        seed=seed,
        trials=TRIALS,
        accepted=len(workload.accepted),
        refused=workload.refused,
        held=not failures,
        failures=failures[:20],
        **facts,
    )
