"""What a distributed deployment holds after a fault, read straight from its PostgreSQL servers
(each service's schema is its name; services may live on different servers): logs, relay and
projection checkpoints, the consumers' processed events and dead letters, the registry
replicas, and the projections' live tables.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from wuyi_contracts.registry import EntityRegistered, GridRegistered
from wuyi_contracts.reporting import GridReportCorrected, GridReportSubmitted
from wuyi_core.projection import Projection
from wuyi_registry.adapters.projection import RegistryProjection
from wuyi_reporting.adapters.projections import CompletenessProjection, EligibilityProjection
from wuyi_reporting.bootstrap import REPLICA as REPORTING_REPLICA
from wuyi_scoring.worker import POLICY
from wuyi_scoring.worker import REPLICA as SCORING_REPLICA

SCHEMAS = ("registry", "reporting", "scoring")
# consumer -> (its schema, the service whose topic it reads)
CONSUMERS = {
    REPORTING_REPLICA: ("reporting", "registry"),
    SCORING_REPLICA: ("scoring", "registry"),
    POLICY: ("scoring", "reporting"),
}
REPLICAS = ("reporting", "scoring")  # schemas holding a registry replica
# what the fault test rebuilds: the projection and the schema of its service
REBUILT: dict[str, tuple[str, type[Projection]]] = {
    "registry": ("registry", RegistryProjection),
    "completeness": ("reporting", CompletenessProjection),
    "eligibility": ("reporting", EligibilityProjection),
}
REGISTERED = [EntityRegistered.event_type(), GridRegistered.event_type()]
REPORTED = [GridReportSubmitted.event_type(), GridReportCorrected.event_type()]
ENTITY_COLUMNS = "id, tenant, name, kind, parent_id"
GRID_COLUMNS = "id, tenant, name, level, entity_id, parent_grid_id"


@dataclass
class Ledger:
    """One connection per schema (shared by schemas on the same server)."""

    conns: Mapping[str, asyncpg.Connection]

    @classmethod
    @asynccontextmanager
    async def open(cls, urls: Mapping[str, str]) -> AsyncIterator[Ledger]:
        """``urls`` maps each schema of ``SCHEMAS`` to its server's URL."""
        servers: dict[str, asyncpg.Connection] = {}
        try:
            for url in dict.fromkeys(urls.values()):
                servers[url] = await asyncpg.connect(url, timeout=10)
            yield cls({schema: servers[url] for schema, url in urls.items()})
        finally:
            for conn in servers.values():
                await conn.close()

    async def head(self, schema: str) -> int:
        sql = f"SELECT COALESCE(MAX(position), 0) FROM {schema}.events"
        return int(await self.conns[schema].fetchval(sql))

    async def event_ids(self, schema: str) -> set[str]:
        rows = await self.conns[schema].fetch(f"SELECT event_id FROM {schema}.events")
        return {r["event_id"] for r in rows}

    async def by_correlation(self, schema: str, types: list[str]) -> Counter[str]:
        """Events of ``schema``'s log of these types, counted per correlation id (request)."""
        sql = f"SELECT metadata FROM {schema}.events WHERE type = ANY($1)"
        rows = await self.conns[schema].fetch(sql, types)
        return Counter(json.loads(r["metadata"])["correlation_id"] for r in rows)

    async def registrations(self) -> Counter[str]:
        """Registered events per entity or grid id in the registry's log."""
        sql = "SELECT stream_id FROM registry.events WHERE type = ANY($1)"
        return Counter(r["stream_id"] for r in await self.conns["registry"].fetch(sql, REGISTERED))

    async def processed(self, consumer: str) -> set[str]:
        schema, _ = CONSUMERS[consumer]
        sql = f"SELECT event_id FROM {schema}.processed_events WHERE consumer = $1"
        return {r["event_id"] for r in await self.conns[schema].fetch(sql, consumer)}

    async def dead_letters(self, schema: str) -> list[str]:
        sql = f"SELECT consumer, event_id, error FROM {schema}.dead_letters"
        rows = await self.conns[schema].fetch(sql)
        return [f"{r['consumer']} {r['event_id']}: {r['error'][:200]}" for r in rows]

    async def lagging(self) -> list[str]:
        """Whatever is not yet at its log's head: relays, projections, consumers of topics."""
        behind = []
        for schema in SCHEMAS:
            conn, at = self.conns[schema], await self.head(schema)
            relayed = await conn.fetchval(
                f"SELECT position FROM {schema}.checkpoints WHERE name = 'relay'"
            )
            if (relayed or 0) != at:
                behind.append(f"{schema} relay at {relayed} of {at}")
            for row in await conn.fetch(f"SELECT name, position FROM {schema}.projections"):
                if row["position"] != at:
                    behind.append(f"{schema} projection {row['name']} at {row['position']} of {at}")
        for consumer, (_, source) in CONSUMERS.items():
            missing = len(await self.event_ids(source) - await self.processed(consumer))
            if missing:
                behind.append(f"{consumer} misses {missing} events")
        return behind

    async def replica(self, schema: str) -> dict[str, list[Any]]:
        """The registry replica in ``schema``, entities and grids, as comparable rows."""
        return {
            "entities": await self._rows(
                schema, f"SELECT {ENTITY_COLUMNS} FROM {schema}.registry_entities"
            ),
            "grids": await self._rows(
                schema, f"SELECT {GRID_COLUMNS} FROM {schema}.registry_grids"
            ),
        }

    async def registry_view(self) -> dict[str, list[Any]]:
        """The registry's own read model, in the replica's columns."""
        tables = await self.live_tables("registry", RegistryProjection)
        return {
            "entities": await self._rows(
                "registry", f"SELECT {ENTITY_COLUMNS} FROM {tables['entities']}"
            ),
            "grids": await self._rows("registry", f"SELECT {GRID_COLUMNS} FROM {tables['grids']}"),
        }

    async def live_tables(self, schema: str, projection: type[Projection]) -> dict[str, str]:
        """The projection's physical tables of its live generation (``entities_g2``)."""
        generation = await self.conns[schema].fetchval(
            f"SELECT generation FROM {schema}.projections WHERE name = $1", projection.name
        )
        return {t: f"{schema}.{t}_g{generation}" for t in projection.ddl}

    async def snapshot(self, name: str) -> dict[str, list[Any]]:
        """Every row of the projection's live tables, in a fixed order."""
        schema, projection = REBUILT[name]
        tables = await self.live_tables(schema, projection)
        return {t: await self._rows(schema, f"SELECT * FROM {p}") for t, p in tables.items()}

    async def _rows(self, schema: str, sql: str) -> list[Any]:
        rows = await self.conns[schema].fetch(sql)
        return sorted((tuple(r.values()) for r in rows), key=repr)
