"""One county for the whole access package, built once (SQLite, embedded bus): the probes of
the access table leave it as they found it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from tests.access.world import build_world
from tests.stacks import Stack, running_stack


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def county(tmp_path_factory) -> AsyncIterator[tuple[Stack, dict[str, Any]]]:
    async with running_stack("sqlite", tmp_path_factory.mktemp("access"), "unused.") as stack:
        yield stack, await build_world(stack)
