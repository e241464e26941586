"""Every background loop runs supervised: an unexpected error never ends it silently.

A loop (a relay, a consumer, a projection follower, a sweep) that raises is logged with its
traceback, counted in ``wuyi_loop_restarts_total``, and started again after a capped,
jittered backoff. After ``unready_after`` failures in a row the process reports itself not
ready (``health``), naming the loop and its last error; once the loop has run ``settled``
seconds without failing, the count and the report are cleared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from wuyi_core import health, telemetry

log = logging.getLogger(__name__)
Loop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class NamedLoop:
    """A loop with the name it is logged, counted and reported under."""

    name: str
    loop: Loop

    def __call__(self, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
        return self.loop(stop)


def named(name: str, loop: Loop) -> Loop:
    return NamedLoop(name, loop)


def loop_name(loop: Loop) -> str:
    return loop.name if isinstance(loop, NamedLoop) else getattr(loop, "__qualname__", "loop")


@dataclass(frozen=True)
class Supervisor:
    backoff: float = 0.5
    max_backoff: float = 30.0
    unready_after: int = 3
    settled: float = 60.0

    async def supervise(self, loop: Loop, stop: asyncio.Event) -> None:
        """Run ``loop`` until ``stop`` is set, restarting it after every unexpected end."""
        name = loop_name(loop)
        component = f"loop:{name}"
        try:
            await self._supervise(name, component, loop, stop)
        finally:
            health.clear(component)  # a stopped loop is no longer this process's problem

    async def _supervise(self, name: str, component: str, loop: Loop, stop: asyncio.Event) -> None:
        failures = 0
        while not stop.is_set():
            task = asyncio.ensure_future(loop(stop))
            try:
                done, _ = await asyncio.wait({task}, timeout=self.settled)
                if not done:  # it runs: whatever failed before is over
                    failures = 0
                    health.clear(component)
                await task
                if stop.is_set():
                    return
                raise RuntimeError(f"loop {name} returned before it was stopped")
            except asyncio.CancelledError:
                task.cancel()
                raise
            except Exception as err:
                failures += 1
                log.exception("background loop %s failed (%d in a row); restarting", name, failures)
                telemetry.loop_restarts.add(1, {"loop": name})
                if failures >= self.unready_after:
                    health.report(
                        component,
                        f"failed {failures} times in a row; last: {type(err).__name__}: {err}",
                    )
                pause = min(self.max_backoff, self.backoff * 2 ** min(failures - 1, 16))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause * random.uniform(0.5, 1.0))
