"""Background loops a running service needs besides its API (following its own log into its
projections, relaying, consuming, sweeping), and the root app that runs them for its lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

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


def root_app(title: str, mounts: dict[str, FastAPI], loops: list[Loop]) -> FastAPI:
    """One process's ASGI app: ``mounts`` by path prefix, ``loops`` running while it serves."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with running(loops):
            yield

    root = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    for prefix, app in mounts.items():
        root.mount(prefix, app)
    return root
