"""A PostgreSQL of one test's own, driven through ``scripts/dev-services pg-up`` in a folder of
its own (``WUYI_DEV_DIR``), so that stopping it hurts no other test on the shared server.

Starting and tearing down block (a fixture's business); stopping and starting it again are
awaited, so the load a test puts on it goes on meanwhile.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.dev_services import SCRIPT, dev_services


@dataclass
class OwnPostgres:
    folder: Path
    url: str = ""

    def _env(self) -> dict[str, str]:
        # Any free port, never the dev default 55432: a test's servers must not race the
        # shared one (or each other) for it between choosing a port and binding it.
        return {**os.environ, "WUYI_DEV_DIR": str(self.folder), "WUYI_DEV_PG_PORT": "0"}

    def up(self, timeout: float = 120) -> str:
        """initdb and start it; returns its ``WUYI_DATABASE_URL``."""
        done = subprocess.run(
            [str(SCRIPT), "pg-up"], env=self._env(), capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            pytest.fail(f"the test's own PostgreSQL did not start:\n{done.stderr[-3000:]}")
        self.url = done.stdout.strip().removeprefix("export WUYI_DATABASE_URL=")
        return self.url

    def down(self) -> None:
        """Stop it and delete its folder (and the data folder it may link to under /tmp)."""
        subprocess.run([str(SCRIPT), "down"], env=self._env(), capture_output=True, timeout=120)

    async def _command(self, command: str, timeout: float) -> None:
        await dev_services(self._env(), command, timeout=timeout)

    async def stop(self) -> None:
        """A fast shutdown: open transactions are rolled back, connections cut."""
        await self._command("stop-postgres", timeout=90)

    async def start(self) -> None:
        """Start it again on its port and data; returns once it accepts connections."""
        await self._command("start-postgres", timeout=120)
