"""Background loops a running service needs besides its API: following its own log into its
projections (writes from other replicas or processes), and relaying its log to Kafka."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from wuyi_core.projection import Projector

log = logging.getLogger(__name__)
Loop = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def follow(projector: Projector, every: float = 1.0) -> Loop:
    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await projector.catch_up()
            except Exception:
                log.exception("projection %s failed to catch up", projector.projection.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

    return loop


@asynccontextmanager
async def running(loops: list[Loop]) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(loop(stop)) for loop in loops]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
