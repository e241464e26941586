"""One county for the whole access package, built once (SQLite, embedded bus): the probes of
the access table leave it as they found it. The notifier is mounted beside the other three, so
every operation of every service is probed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_notifier.api.app import create_app as notifier_app
from wuyi_notifier.bootstrap import build_notifier

from tests.access.world import build_world
from tests.stacks import Stack, running_stack


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def county(tmp_path_factory) -> AsyncIterator[tuple[Stack, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("access")
    async with running_stack("sqlite", folder, "unused.") as stack:
        db = await SQLiteDatabase.open(folder / "notifier.db")
        notifier = await build_notifier(db, stack.clock)
        assert stack.root is not None
        stack.root.mount("/notifier", notifier_app(notifier, stack.tokens))
        try:
            yield stack, await build_world(stack)
        finally:
            await notifier.close()
            await db.close()
