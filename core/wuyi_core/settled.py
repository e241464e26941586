"""Work that must run to its end even if the task awaiting it is cancelled: a statement that
aiosqlite runs in its thread whatever the caller does (db/sqlite.py), the closing of the
databases when Ctrl-C cancels ``wuyi up``'s main task (wuyi/launch.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


async def settled(
    statement: Awaitable[object], undo: Callable[[], Awaitable[None]] | None = None
) -> None:
    """Run ``statement`` to its end even if the caller is cancelled meanwhile; then, if it was
    cancelled, run ``undo`` (also to its end) and let the cancellation go on."""
    task = asyncio.ensure_future(statement)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await finish(task)
            if undo is not None:
                await finish(asyncio.ensure_future(undo()))
        raise


async def finish(task: asyncio.Future[object]) -> None:
    """Wait for ``task`` whatever cancellations arrive meanwhile."""
    while not task.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(task)
    task.result()
