"""Queries over reporting's read models and its registry replica; always within one tenant."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from wuyi_core import registry_replica
from wuyi_core.db.port import AbstractConnection, AbstractDatabase, Row
from wuyi_core.projection import Projector

from wuyi_reporting.domain.eligibility import CaseFact
from wuyi_reporting.domain.settings import ReportingSettings


def _in(start: int, values: Sequence[object]) -> str:
    return ", ".join(f"${i}" for i in range(start, start + len(values))) or "NULL"


class ReportingReads:
    def __init__(self, db: AbstractDatabase, projectors: dict[str, Projector]) -> None:
        self._db = db
        self._projectors = projectors

    async def _fresh(self, projection: str) -> None:
        """Bring ``projection`` current before reading it: the write path no longer catches
        projections up (issue #12), each read catches up the one it reads, and only if it is
        behind (one query when it is not)."""
        await self._projectors[projection].catch_up_if_behind()

    async def _t(self, conn: AbstractConnection, projection: str) -> dict[str, str]:
        return await self._projectors[projection].tables(conn)

    async def settings(self, tenant: str) -> tuple[ReportingSettings, int]:
        await self._fresh("reporting")
        async with self._db.read() as conn:
            t = await self._t(conn, "reporting")
            row = await conn.fetchrow(
                f"SELECT data, version FROM {t['settings']} WHERE tenant = $1", tenant
            )
        if row is None:
            return ReportingSettings(), 0
        return ReportingSettings(**json.loads(row["data"])), int(row["version"])

    async def tenants(self) -> list[str]:
        async with self._db.read() as conn:
            rows = await conn.fetch(
                "SELECT DISTINCT tenant FROM registry_entities WHERE kind = 'county'"
                " ORDER BY tenant"
            )
        return [row["tenant"] for row in rows]

    async def tenant_entities(self, tenant: str) -> list[str]:
        async with self._db.read() as conn:
            rows = await conn.fetch(
                "SELECT id FROM registry_entities WHERE tenant = $1 ORDER BY id", tenant
            )
        return [row["id"] for row in rows]

    async def townships(self, tenant: str) -> list[Row]:
        """The county's open townships (id and name), for completeness per township."""
        async with self._db.read() as conn:
            return await conn.fetch(
                "SELECT id, name FROM registry_entities WHERE tenant = $1 AND kind = 'township'"
                " AND closed_at IS NULL ORDER BY id",
                tenant,
            )

    async def unpublished_entities(self, tenant: str) -> list[str]:
        """Entities whose eligibility was never published (new to reporting)."""
        await self._fresh("eligibility")
        async with self._db.read() as conn:
            t = await self._t(conn, "eligibility")
            rows = await conn.fetch(
                f"SELECT e.id FROM registry_entities e LEFT JOIN {t['states']} s"
                " ON s.entity_id = e.id WHERE e.tenant = $1 AND s.entity_id IS NULL"
                " AND e.closed_at IS NULL ORDER BY e.id",
                tenant,
            )
        return [row["id"] for row in rows]

    async def entity(self, tenant: str, entity_id: str) -> Row | None:
        async with self._db.read() as conn:
            return await registry_replica.entity(conn, tenant, entity_id)

    async def grid(self, tenant: str, grid_id: str) -> Row | None:
        async with self._db.read() as conn:
            return await conn.fetchrow(
                "SELECT * FROM registry_grids WHERE tenant = $1 AND id = $2", tenant, grid_id
            )

    async def county(self, tenant: str) -> str | None:
        async with self._db.read() as conn:
            return await registry_replica.county(conn, tenant)

    async def lineage(self, tenant: str, entity_id: str) -> list[str]:
        """The entity and its ancestors, nearest first."""
        async with self._db.read() as conn:
            return await registry_replica.lineage(conn, tenant, entity_id)

    async def grid_lineage(self, tenant: str, grid_id: str) -> list[str]:
        async with self._db.read() as conn:
            return await registry_replica.walk(
                conn, "registry_grids", "parent_grid_id", tenant, grid_id, up=True
            )

    async def subtree(self, tenant: str, entity_id: str) -> list[str]:
        """The entity and every entity under it."""
        async with self._db.read() as conn:
            return await registry_replica.subtree(conn, tenant, entity_id)

    async def grids_of(self, tenant: str, entity_ids: Sequence[str]) -> list[Row]:
        """Every reporting grid (levels 2 and 3) bound to one of ``entity_ids``."""
        async with self._db.read() as conn:
            return await conn.fetch(
                "SELECT id, name, level, entity_id, parent_grid_id, registered_at, closed_at"
                f" FROM registry_grids WHERE tenant = $1 AND level IN (2, 3)"
                f" AND entity_id IN ({_in(2, entity_ids)}) ORDER BY level, name, id",
                tenant,
                *entity_ids,
            )

    async def entity_names(self, tenant: str, entity_ids: Sequence[str]) -> dict[str, str]:
        """The names of ``entity_ids`` (grids are named within their village: 第1网格)."""
        if not entity_ids:
            return {}
        async with self._db.read() as conn:
            rows = await conn.fetch(
                f"SELECT id, name FROM registry_entities WHERE tenant = $1"
                f" AND id IN ({_in(2, entity_ids)})",
                tenant,
                *entity_ids,
            )
        return {row["id"]: row["name"] for row in rows}

    async def all_grids(self, tenant: str) -> list[Row]:
        """Every reporting grid (levels 2 and 3) of the tenant."""
        async with self._db.read() as conn:
            return await conn.fetch(
                "SELECT id, name, level, entity_id, parent_grid_id, registered_at, closed_at"
                " FROM registry_grids WHERE tenant = $1 AND level IN (2, 3) ORDER BY id",
                tenant,
            )

    async def child_grids(self, tenant: str, grid_id: str) -> list[Row]:
        async with self._db.read() as conn:
            return await conn.fetch(
                "SELECT id, name, level, entity_id, parent_grid_id, registered_at, closed_at"
                " FROM registry_grids WHERE tenant = $1 AND parent_grid_id = $2 ORDER BY name, id",
                tenant,
                grid_id,
            )

    async def reports(
        self, tenant: str, grid_ids: Sequence[str], first: date, last: date
    ) -> list[Row]:
        if not grid_ids:
            return []
        await self._fresh("completeness")
        async with self._db.read() as conn:
            t = await self._t(conn, "completeness")
            return await conn.fetch(
                f"SELECT * FROM {t['reports']} WHERE tenant = $1 AND day >= $2 AND day <= $3"
                f" AND grid_id IN ({_in(4, grid_ids)}) ORDER BY day, grid_id",
                tenant,
                first.isoformat(),
                last.isoformat(),
                *grid_ids,
            )

    async def report(self, tenant: str, report_id: str) -> Row | None:
        await self._fresh("completeness")
        async with self._db.read() as conn:
            t = await self._t(conn, "completeness")
            return await conn.fetchrow(
                f"SELECT * FROM {t['reports']} WHERE tenant = $1 AND report_id = $2",
                tenant,
                report_id,
            )

    async def cases(self, tenant: str, entity_ids: Sequence[str]) -> list[CaseFact]:
        await self._fresh("eligibility")
        async with self._db.read() as conn:
            t = await self._t(conn, "eligibility")
            rows = await conn.fetch(
                f"SELECT kind, day, lifted_on FROM {t['cases']} WHERE tenant = $1"
                f" AND entity_id IN ({_in(2, entity_ids)})",
                tenant,
                *entity_ids,
            )
        return [
            CaseFact(
                r["kind"],
                date.fromisoformat(r["day"]),
                date.fromisoformat(r["lifted_on"]) if r["lifted_on"] else None,
            )
            for r in rows
        ]

    async def case(self, tenant: str, case_id: str) -> Row | None:
        await self._fresh("eligibility")
        async with self._db.read() as conn:
            t = await self._t(conn, "eligibility")
            return await conn.fetchrow(
                f"SELECT * FROM {t['cases']} WHERE tenant = $1 AND case_id = $2", tenant, case_id
            )

    async def published_state(self, tenant: str, entity_id: str) -> Row | None:
        await self._fresh("eligibility")
        async with self._db.read() as conn:
            t = await self._t(conn, "eligibility")
            return await conn.fetchrow(
                f"SELECT * FROM {t['states']} WHERE tenant = $1 AND entity_id = $2",
                tenant,
                entity_id,
            )

    async def complaint(self, tenant: str, complaint_id: str) -> dict[str, Any] | None:
        await self._fresh("reporting")
        async with self._db.read() as conn:
            t = await self._t(conn, "reporting")
            row = await conn.fetchrow(
                f"SELECT * FROM {t['complaints']} WHERE tenant = $1 AND complaint_id = $2",
                tenant,
                complaint_id,
            )
        return None if row is None else dict(row)

    async def complaints(
        self,
        tenant: str,
        entity_ids: Sequence[str] | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of complaints (newest first) with the complained-about entity's name and
        kind, and how many there are; ``entity_ids`` None: the tenant's."""
        if entity_ids is not None and not entity_ids:
            return [], 0
        chosen = "" if entity_ids is None else f" AND c.entity_id IN ({_in(3, entity_ids)})"
        where = f" WHERE c.tenant = $1 AND (CAST($2 AS TEXT) IS NULL OR c.status = $2){chosen}"
        params = [tenant, status, *(entity_ids or [])]
        async with self._db.read() as conn:
            t = await self._t(conn, "reporting")
            total = await conn.fetchval(f"SELECT COUNT(*) FROM {t['complaints']} c{where}", *params)
            n = len(params)
            rows = await conn.fetch(
                "SELECT c.complaint_id AS id, c.entity_id, e.name AS entity_name,"
                " e.kind AS entity_kind, c.source, c.summary, c.status, c.note,"
                f" c.registered_at, c.decided_at FROM {t['complaints']} c"
                " LEFT JOIN registry_entities e ON e.tenant = c.tenant AND e.id = c.entity_id"
                f"{where} ORDER BY c.registered_at DESC, c.complaint_id"
                f" LIMIT ${n + 1} OFFSET ${n + 2}",
                *params,
                limit,
                offset,
            )
        return [dict(r) for r in rows], int(total or 0)
