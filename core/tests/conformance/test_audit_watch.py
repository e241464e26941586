"""The audit chain watched from a worker: ``check_chain`` publishes
``wuyi_audit_chain_broken`` (0 intact, 1 broken), which the "audit verify failing" alert reads
(deploy/prometheus/alerts.yml), on every adapter."""

from __future__ import annotations

import asyncio

from wuyi_core import telemetry
from wuyi_core.audit_watch import audit_loop, check_chain

from .test_audit_verify import checkpoints, signed, store, tamper  # noqa: F401 (fixtures)


def broken_gauge(service: str) -> float | None:
    for line in telemetry.prometheus_text().decode().splitlines():
        if line.startswith("wuyi_audit_chain_broken{") and f'service="{service}"' in line:
            return float(line.split()[-1])
    return None


async def test_an_intact_log_publishes_zero_and_a_tampered_one_one(store, checkpoints):  # noqa: F811
    await signed(store, checkpoints)
    assert await check_chain("watch-a", store, checkpoints)
    assert broken_gauge("watch-a") == 0
    await tamper(store.db, "UPDATE events SET data = replace(data, 'b1', 'zz') WHERE position = 5")
    assert not await check_chain("watch-a", store, checkpoints)
    assert broken_gauge("watch-a") == 1


async def test_a_deleted_tail_past_the_signed_checkpoint_is_caught_by_the_watch(
    store,  # noqa: F811
    checkpoints,  # noqa: F811
):
    await signed(store, checkpoints)
    await tamper(store.db, "DELETE FROM events WHERE position = 6")
    assert not await check_chain("watch-b", store, checkpoints)
    assert broken_gauge("watch-b") == 1


async def test_the_worker_loop_checks_at_start(store):  # noqa: F811
    stop = asyncio.Event()
    task = asyncio.create_task(audit_loop("watch-c", store, None, 3600.0)(stop))
    for _ in range(200):
        if broken_gauge("watch-c") is not None:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await task
    assert broken_gauge("watch-c") == 0
