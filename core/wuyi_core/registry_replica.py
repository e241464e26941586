"""A service's own copy of the registry's tree: entities and grids, fed by registry events from
the bus, so that reporting and scoring never read the registry's database.

The walks answer the questions every service asks of the tree: an entity's lineage (itself and
its ancestors, for scope checks and "a case anywhere under a titled entity") and its subtree.
"""

from __future__ import annotations

from wuyi_contracts.envelope import Envelope

from wuyi_core.db.port import AbstractConnection, Row

DDL = [
    """CREATE TABLE IF NOT EXISTS registry_entities (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
        parent_id TEXT, registered_at TEXT NOT NULL, closed_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS registry_entities_by_parent"
    " ON registry_entities (tenant, parent_id)",
    """CREATE TABLE IF NOT EXISTS registry_grids (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, level INTEGER NOT NULL,
        entity_id TEXT NOT NULL, parent_grid_id TEXT, registered_at TEXT NOT NULL,
        closed_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS registry_grids_by_entity ON registry_grids (tenant, entity_id)",
    "CREATE INDEX IF NOT EXISTS registry_grids_by_parent"
    " ON registry_grids (tenant, parent_grid_id)",
]


async def apply_registry_event(envelope: Envelope, conn: AbstractConnection) -> None:
    """The consumer handler: one registry event, applied in the consumer's transaction."""
    d, at = envelope.data, envelope.time.isoformat()
    match envelope.type.split(".")[3:5]:
        case ["entity", "registered"]:
            await conn.execute(
                "INSERT INTO registry_entities (id, tenant, name, kind, parent_id, registered_at)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                d["entity_id"],
                envelope.tenant,
                d["name"],
                d["kind"],
                d["parent_id"],
                at,
            )
        case ["entity", "renamed"]:
            await _set(conn, "registry_entities", "name", d["name"], d["entity_id"])
        case ["entity", "moved"]:
            await _set(conn, "registry_entities", "parent_id", d["parent_id"], d["entity_id"])
        case ["entity", "closed"]:
            await _set(conn, "registry_entities", "closed_at", at, d["entity_id"])
        case ["grid", "registered"]:
            await conn.execute(
                "INSERT INTO registry_grids (id, tenant, name, level, entity_id, parent_grid_id,"
                " registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                d["grid_id"],
                envelope.tenant,
                d["name"],
                d["level"],
                d["entity_id"],
                d["parent_grid_id"],
                at,
            )
        case ["grid", "renamed"]:
            await _set(conn, "registry_grids", "name", d["name"], d["grid_id"])
        case ["grid", "moved"]:
            await _set(conn, "registry_grids", "parent_grid_id", d["parent_grid_id"], d["grid_id"])
        case ["grid", "closed"]:
            await _set(conn, "registry_grids", "closed_at", at, d["grid_id"])


async def _set(conn: AbstractConnection, table: str, column: str, value: object, key: str) -> None:
    await conn.execute(f"UPDATE {table} SET {column} = $1 WHERE id = $2", value, key)


async def entity(conn: AbstractConnection, tenant: str, entity_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM registry_entities WHERE tenant = $1 AND id = $2", tenant, entity_id
    )


async def lineage(conn: AbstractConnection, tenant: str, entity_id: str) -> list[str]:
    """The entity and its ancestors, nearest first."""
    return await walk(conn, "registry_entities", "parent_id", tenant, entity_id, up=True)


async def subtree(conn: AbstractConnection, tenant: str, entity_id: str) -> list[str]:
    """The entity and every entity under it."""
    return await walk(conn, "registry_entities", "parent_id", tenant, entity_id, up=False)


async def walk(
    conn: AbstractConnection, table: str, link: str, tenant: str, start: str, up: bool
) -> list[str]:
    join = f"e.id = w.{link}" if up else f"e.{link} = w.id"
    rows = await conn.fetch(
        f"""WITH RECURSIVE w(id, {link}, depth) AS (
                SELECT id, {link}, 0 FROM {table} WHERE tenant = $1 AND id = $2
                UNION ALL
                SELECT e.id, e.{link}, w.depth + 1 FROM {table} e JOIN w ON {join}
                WHERE e.tenant = $1)
            SELECT id FROM w ORDER BY depth, id""",
        tenant,
        start,
    )
    return [row["id"] for row in rows]
