"""Queries over the registry read model. Every query is confined to one tenant."""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from typing import Any

from wuyi_core.db.port import AbstractConnection, Row
from wuyi_core.projection import Projector


class RegistryReads:
    def __init__(self, projector: Projector) -> None:
        self._projector = projector
        self._db = projector.store.db

    def _read(self) -> AbstractAsyncContextManager[AbstractConnection]:
        """A connection to read on (a transaction's own, in ``ReadsIn``)."""
        return self._db.read()

    async def entity(self, tenant: str, entity_id: str) -> dict[str, Any] | None:
        return await self._one("entities", tenant, entity_id)

    async def grid(self, tenant: str, grid_id: str) -> dict[str, Any] | None:
        return await self._one("grids", tenant, grid_id)

    async def entities(
        self, tenant: str, parent_id: str | None, kind: str | None, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        filters = {"parent_id": parent_id, "kind": kind}
        return await self._list("entities", tenant, filters, "kind, name", limit, offset)

    async def grids(
        self,
        tenant: str,
        entity_id: str | None,
        level: int | None,
        parent_grid_id: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        filters = {"entity_id": entity_id, "level": level, "parent_grid_id": parent_grid_id}
        return await self._list("grids", tenant, filters, "level, name", limit, offset)

    async def tenants(self) -> list[str]:
        """Every tenant with a registered county (the deployments sharing this database)."""
        async with self._read() as conn:
            t = await self._projector.tables(conn)
            rows = await conn.fetch(
                f"SELECT tenant FROM {t['entities']} WHERE kind = 'county' ORDER BY tenant"
            )
        return [row["tenant"] for row in rows]

    async def lineage(self, tenant: str, entity_id: str) -> list[str]:
        """The entity's id, then its parent's, up to the county."""
        async with self._read() as conn:
            t = await self._projector.tables(conn)
            rows = await conn.fetch(
                f"""WITH RECURSIVE up(id, parent_id, depth) AS (
                        SELECT id, parent_id, 0 FROM {t["entities"]} WHERE tenant = $1 AND id = $2
                        UNION ALL
                        SELECT e.id, e.parent_id, up.depth + 1 FROM {t["entities"]} e
                        JOIN up ON e.id = up.parent_id WHERE e.tenant = $1)
                    SELECT id FROM up ORDER BY depth""",
                tenant,
                entity_id,
            )
        return [row["id"] for row in rows]

    async def descendants(self, tenant: str, entity_id: str) -> set[str]:
        async with self._read() as conn:
            t = await self._projector.tables(conn)
            rows = await conn.fetch(
                f"""WITH RECURSIVE down(id) AS (
                        SELECT id FROM {t["entities"]} WHERE tenant = $1 AND parent_id = $2
                        UNION ALL
                        SELECT e.id FROM {t["entities"]} e JOIN down ON e.parent_id = down.id
                        WHERE e.tenant = $1)
                    SELECT id FROM down""",
                tenant,
                entity_id,
            )
        return {row["id"] for row in rows}

    async def open_children(self, tenant: str, entity_id: str) -> int:
        async with self._read() as conn:
            t = await self._projector.tables(conn)
            entities = await conn.fetchval(
                f"SELECT COUNT(*) FROM {t['entities']} WHERE tenant = $1 AND parent_id = $2 "
                "AND closed = 0",
                tenant,
                entity_id,
            )
            grids = await conn.fetchval(
                f"SELECT COUNT(*) FROM {t['grids']} WHERE tenant = $1 AND entity_id = $2 "
                "AND closed = 0",
                tenant,
                entity_id,
            )
        return int(entities) + int(grids)

    async def open_child_grids(self, tenant: str, grid_id: str) -> int:
        async with self._read() as conn:
            t = await self._projector.tables(conn)
            return int(
                await conn.fetchval(
                    f"SELECT COUNT(*) FROM {t['grids']} WHERE tenant = $1 AND parent_grid_id = $2 "
                    "AND closed = 0",
                    tenant,
                    grid_id,
                )
            )

    async def _one(self, table: str, tenant: str, key: str) -> dict[str, Any] | None:
        async with self._read() as conn:
            t = await self._projector.tables(conn)
            row = await conn.fetchrow(
                f"SELECT * FROM {_source(t, table)} WHERE tenant = $1 AND id = $2", tenant, key
            )
        return None if row is None else _decode(row)

    async def _list(
        self, table: str, tenant: str, filters: dict[str, Any], order: str, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        active = {column: value for column, value in filters.items() if value is not None}
        where = " AND ".join(["tenant = $1", *(f"{c} = ${i}" for i, c in enumerate(active, 2))])
        args = [tenant, *active.values()]
        n = len(args)
        async with self._read() as conn:
            t = await self._projector.tables(conn)
            total = await conn.fetchval(f"SELECT COUNT(*) FROM {t[table]} WHERE {where}", *args)
            rows = await conn.fetch(
                f"SELECT * FROM {_source(t, table)} WHERE {where} ORDER BY {order}, id "
                f"LIMIT ${n + 1} OFFSET ${n + 2}",
                *args,
                limit,
                offset,
            )
        return [_decode(row) for row in rows], int(total)


def _source(t: dict[str, str], table: str) -> str:
    """An entity's row with its location (kept apart, see the projection), if any."""
    if table != "entities":
        return t[table]
    return (
        f"(SELECT e.*, l.lon, l.lat FROM {t['entities']} e"
        f" LEFT JOIN {t['locations']} l ON l.id = e.id) AS located"
    )


def _decode(row: Row) -> dict[str, Any]:
    item = dict(row)
    if "lon" in item:
        lon, lat = item.pop("lon"), item.pop("lat")
        item["location"] = None if lon is None else {"lon": lon, "lat": lat}
    for key in ("contact", "leader"):
        if item.get(key) is not None:
            item[key] = json.loads(item[key])
    item["closed"] = bool(item["closed"])
    return item
