"""A throwaway 3-node Kafka cluster on loopback for fault tests, driven through
``scripts/dev-services cluster-*`` (each node broker and controller, replication 3, min ISR 2).

Starting and stopping block (a fixture's business); killing and restarting a node are awaited,
so the load a test puts on the cluster goes on meanwhile.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from tests.faults.dev_services import SCRIPT, dev_services

NODES = (1, 2, 3)


@dataclass
class KafkaCluster:
    folder: Path
    bootstrap: str = ""
    killed: set[int] = field(default_factory=set)

    def _env(self) -> dict[str, str]:
        return {**os.environ, "WUYI_CLUSTER_DIR": str(self.folder)}

    def up(self, timeout: float = 180) -> str:
        """Start the cluster, wait until every node is ready; returns its bootstrap list."""
        done = subprocess.run(
            [str(SCRIPT), "cluster-up"],
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            pytest.fail(f"the 3-node Kafka cluster did not start:\n{done.stderr[-3000:]}")
        self.bootstrap = done.stdout.strip()
        return self.bootstrap

    def down(self) -> None:
        """Kill every node and delete the cluster's folder."""
        subprocess.run(
            [str(SCRIPT), "cluster-down"], env=self._env(), capture_output=True, timeout=60
        )

    async def _command(self, *args: str, timeout: float) -> None:
        await dev_services(self._env(), *args, timeout=timeout)

    async def kill(self, node: int) -> None:
        """``kill -9`` the node: no controlled shutdown, no flush."""
        await self._command("cluster-kill", str(node), timeout=30)
        self.killed.add(node)

    async def start(self, node: int, timeout: float = 120) -> None:
        """Start the node again on its ports and data; returns once it serves."""
        await self._command("cluster-start", str(node), timeout=timeout)
        self.killed.discard(node)

    async def partitions(self, topic: str) -> list[dict[str, object]]:
        """The topic's partitions as a live node describes them (leader, replicas, isr)."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap)
        await admin.start()
        try:
            [description] = await admin.describe_topics([topic])
        finally:
            await admin.close()
        return sorted(description["partitions"], key=lambda p: p["partition"])
