"""Every background loop is supervised (issue #8, defect 3): an unexpected error is logged,
counted, and the loop restarts with backoff; a loop that keeps failing makes the process not
ready, and the report clears once it runs again."""

from __future__ import annotations

import asyncio

from wuyi_core import health, telemetry
from wuyi_core.loops import named, running
from wuyi_core.supervision import Supervisor

FAST = Supervisor(backoff=0.01, max_backoff=0.05, unready_after=3, settled=0.5)


def restarts(name: str) -> float:
    text = telemetry.prometheus_text().decode()
    for line in text.splitlines():
        if line.startswith("wuyi_loop_restarts_total") and f'loop="{name}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_a_failing_loop_restarts_and_turns_readiness_red_until_it_runs_again(caplog):
    telemetry.configure()
    starts = 0
    running_now = asyncio.Event()

    async def flaky(stop: asyncio.Event) -> None:
        nonlocal starts
        starts += 1
        if starts <= 4:
            raise ConnectionResetError(f"commit failed on a rebalance ({starts})")
        running_now.set()
        await stop.wait()

    before = restarts("flaky-test")
    async with running([named("flaky-test", flaky)], FAST):
        async with asyncio.timeout(10):
            await running_now.wait()
        assert "loop:flaky-test" in health.problems()  # four failures in a row
        assert "commit failed on a rebalance (4)" in health.problems()["loop:flaky-test"]
        async with asyncio.timeout(10):
            while "loop:flaky-test" in health.problems():
                await asyncio.sleep(0.05)
    assert starts == 5
    assert restarts("flaky-test") - before == 4
    assert "Traceback" in caplog.text or "ConnectionResetError" in caplog.text


async def test_a_loop_that_returns_before_it_was_stopped_is_restarted():
    starts = 0
    again = asyncio.Event()

    async def quits(stop: asyncio.Event) -> None:
        nonlocal starts
        starts += 1
        if starts > 1:
            again.set()
            await stop.wait()

    async with running([named("quits-test", quits)], FAST):
        async with asyncio.timeout(10):
            await again.wait()
    assert starts == 2


async def test_stopping_ends_a_supervised_loop_without_a_restart():
    starts = 0

    async def steady(stop: asyncio.Event) -> None:
        nonlocal starts
        starts += 1
        await stop.wait()

    async with running([named("steady-test", steady)], FAST):
        await asyncio.sleep(0.1)
    assert starts == 1
