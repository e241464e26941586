"""Background loops a running service needs besides its API (following its own log into its
projections, relaying, consuming, sweeping), and the root app that runs them, supervised, for
its lifetime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI

from wuyi_core.http import install_error_handlers
from wuyi_core.middleware import SecurityHeaders
from wuyi_core.projection import Projector
from wuyi_core.supervision import Loop, NamedLoop, Supervisor, named

log = logging.getLogger(__name__)

__all__ = ["Loop", "NamedLoop", "every", "follow", "named", "root_app", "running"]


def every(name: str, seconds: float, tick: Callable[[], Awaitable[object]]) -> Loop:
    """Run ``tick`` now and then every ``seconds``; a failing tick is logged and the next one
    tries again (a sweep is idempotent), so one bad tick does not restart the loop."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await tick()
            except Exception:
                log.exception("%s failed; the next tick retries", name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), seconds)

    return named(name, loop)


def follow(projector: Projector, seconds: float = 1.0) -> Loop:
    return every(f"projection:{projector.projection.name}", seconds, projector.catch_up)


@asynccontextmanager
async def running(
    loops: Sequence[Loop], supervisor: Supervisor | None = None
) -> AsyncIterator[None]:
    """Run every loop, supervised, until the block ends."""
    supervisor = supervisor or Supervisor()
    stop = asyncio.Event()
    tasks = [asyncio.create_task(supervisor.supervise(loop, stop)) for loop in loops]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


def root_app(title: str, mounts: dict[str, FastAPI], loops: Sequence[Loop]) -> FastAPI:
    """One process's ASGI app: ``mounts`` by path prefix, ``loops`` running while it serves."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with running(loops):
            yield

    root = FastAPI(title=title, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(root)  # an unknown path answers with the standard error body
    root.add_middleware(SecurityHeaders)
    for prefix, app in mounts.items():
        root.mount(prefix, app)
    return root
