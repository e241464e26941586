"""The registry read model: entities and grids as tables, fed from the registry's own log.

Contacts live here (from the events' private part) for authorized readers, never on the bus.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import StoredEvent
from wuyi_core.projection import Projection, Tables

_ENTITIES = [
    """CREATE TABLE IF NOT EXISTS {t} (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
        parent_id TEXT, code TEXT, address TEXT, contact TEXT, closed INTEGER NOT NULL,
        close_reason TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        version BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS {t}_by_parent ON {t} (tenant, parent_id, kind)",
]
_GRIDS = [
    """CREATE TABLE IF NOT EXISTS {t} (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, level INTEGER NOT NULL,
        entity_id TEXT NOT NULL, parent_grid_id TEXT, code TEXT, households INTEGER,
        leader TEXT, closed INTEGER NOT NULL, close_reason TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, version BIGINT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS {t}_by_entity ON {t} (tenant, entity_id, level)",
    "CREATE INDEX IF NOT EXISTS {t}_by_parent ON {t} (tenant, parent_grid_id)",
]


# apart from the entities: tables made before coordinates cannot gain columns portably
_LOCATIONS = [
    """CREATE TABLE IF NOT EXISTS {t} (
        id TEXT PRIMARY KEY, lon DOUBLE PRECISION NOT NULL, lat DOUBLE PRECISION NOT NULL)""",
]


class RegistryProjection(Projection):
    uses_private = True  # contacts / complaint texts live only in the log
    name = "registry"
    ddl = {"entities": _ENTITIES, "grids": _GRIDS, "locations": _LOCATIONS}

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        aggregate, change = event.type.split(".")[3:5]
        if aggregate == "token":
            return  # revocations are kept by wuyi_core.revocations, not in the roster
        table = t["entities" if aggregate == "entity" else "grids"]
        if change == "registered":
            await self._insert(conn, event, t, aggregate)
            return
        updates = _UPDATES.get(change)
        if updates is None:
            return
        columns, values = updates(event)
        assignments = ", ".join(f"{c} = ${i}" for i, c in enumerate(columns, start=1))
        n = len(columns)
        await conn.execute(
            f"UPDATE {table} SET {assignments}, updated_at = ${n + 1}, version = ${n + 2} "
            f"WHERE id = ${n + 3}",
            *values,
            event.recorded_at.isoformat(),
            event.stream_version,
            event.stream_id,
        )

    async def _insert(
        self, conn: AbstractConnection, event: StoredEvent, t: Tables, aggregate: str
    ) -> None:
        table = t["entities" if aggregate == "entity" else "grids"]
        d, at = event.data, event.recorded_at.isoformat()
        private = _private(event, "contact" if aggregate == "entity" else "leader")
        if aggregate == "entity":
            location = d.get("location")
            if location is not None:
                await conn.execute(
                    f"INSERT INTO {t['locations']} (id, lon, lat) VALUES ($1, $2, $3)",
                    d["entity_id"],
                    location["lon"],
                    location["lat"],
                )
            await conn.execute(
                f"INSERT INTO {table} (id, tenant, name, kind, parent_id, code, address, contact,"
                " closed, created_at, updated_at, version)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9, $10)",
                d["entity_id"],
                event.tenant,
                d["name"],
                d["kind"],
                d["parent_id"],
                d["code"],
                d["address"],
                private,
                at,
                event.stream_version,
            )
        else:
            await conn.execute(
                f"INSERT INTO {table} (id, tenant, name, level, entity_id, parent_grid_id, code,"
                " households, leader, closed, created_at, updated_at, version)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $11)",
                d["grid_id"],
                event.tenant,
                d["name"],
                d["level"],
                d["entity_id"],
                d["parent_grid_id"],
                d["code"],
                d["households"],
                private,
                at,
                event.stream_version,
            )


def _private(event: StoredEvent, key: str) -> str | None:
    value = (event.private or {}).get(key)
    return None if value is None else json.dumps(value, ensure_ascii=False)


_UPDATES: dict[str, Callable[[StoredEvent], tuple[list[str], list[Any]]]] = {
    "renamed": lambda e: (["name"], [e.data["name"]]),
    "moved": lambda e: (
        ["parent_id"] if "entity_id" in e.data else ["parent_grid_id"],
        [e.data.get("parent_id") or e.data.get("parent_grid_id")],
    ),
    "closed": lambda e: (["closed", "close_reason"], [1, e.data["reason"]]),
    "contact_changed": lambda e: (["contact"], [_private(e, "contact")]),
    "leader_changed": lambda e: (["leader"], [_private(e, "leader")]),
}
