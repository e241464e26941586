"""A service's own copy of the registry's tree: entities and grids, fed by registry events from
the bus, so that reporting and scoring never read the registry's database.

The walks answer the questions every service asks of the tree: an entity's lineage (itself and
its ancestors, for scope checks and "a case anywhere under a titled entity") and its subtree.

The replica is correct in any order of delivery (Kafka partitions, retries, dead letters replayed
late), per entity or grid:

- a change (renamed, moved, closed) to a row not registered yet raises ``NotRegisteredYet``, so
  the consumer retries it and then parks it; replayed after the registration, it applies. (An
  ``UPDATE`` of a missing row would otherwise lose it without a word.)
- each change records its stream version per row and field in ``registry_versions``; an older
  change arriving after a newer one of the same field is skipped. Fields are independent: a late
  rename still applies after a newer move or close.

Token revocations (``TokenRevoked``) travel with the registry's events and land in the service's
``revoked_tokens`` (``wuyi_core.revocations``), which its HTTP layer consults on every request.
"""

from __future__ import annotations

from datetime import datetime

from wuyi_contracts.envelope import Envelope

from wuyi_core import revocations
from wuyi_core.bus.port import AbstractBus
from wuyi_core.clock import Clock
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractConnection, AbstractDatabase, Row

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
    # apart from the rows: replicas made before it cannot gain columns portably (SQLite has no
    # ADD COLUMN IF NOT EXISTS)
    """CREATE TABLE IF NOT EXISTS registry_versions (
        id TEXT NOT NULL, field TEXT NOT NULL, version BIGINT NOT NULL,
        PRIMARY KEY (id, field))""",
    *revocations.DDL,
]

# (aggregate, change) -> (table, column, the data field holding the value; None: the event time)
_CHANGES = {
    ("entity", "renamed"): ("registry_entities", "name", "name"),
    ("entity", "moved"): ("registry_entities", "parent_id", "parent_id"),
    ("entity", "closed"): ("registry_entities", "closed_at", None),
    ("grid", "renamed"): ("registry_grids", "name", "name"),
    ("grid", "moved"): ("registry_grids", "parent_grid_id", "parent_grid_id"),
    ("grid", "closed"): ("registry_grids", "closed_at", None),
}


class NotRegisteredYet(LookupError):
    """A change to an entity or grid whose registration has not reached the replica yet: the
    consumer retries, then parks it, to be replayed once the registration has arrived."""


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
        case ["token", "revoked"]:
            expires_at = datetime.fromisoformat(d["expires_at"])
            await revocations.record(conn, envelope.tenant, d["jti"], expires_at, envelope.time)
        case [aggregate, change] if (aggregate, change) in _CHANGES:
            await _change(conn, envelope, aggregate, *_CHANGES[aggregate, change])


async def _change(
    conn: AbstractConnection,
    envelope: Envelope,
    aggregate: str,
    table: str,
    column: str,
    source: str | None,
) -> None:
    key, field = envelope.data[f"{aggregate}_id"], f"{aggregate}.{column}"
    if await conn.fetchval(f"SELECT 1 FROM {table} WHERE id = $1", key) is None:
        raise NotRegisteredYet(f"{aggregate} {key} is not in the registry replica yet")
    version = envelope.streamversion or 0
    applied = await conn.fetchval(
        "SELECT version FROM registry_versions WHERE id = $1 AND field = $2", key, field
    )
    if applied is not None and applied >= version:
        return  # a newer change of this field is already applied
    value = envelope.time.isoformat() if source is None else envelope.data[source]
    await conn.execute(f"UPDATE {table} SET {column} = $1 WHERE id = $2", value, key)
    await conn.execute(
        "INSERT INTO registry_versions (id, field, version) VALUES ($1, $2, $3)"
        " ON CONFLICT (id, field) DO UPDATE SET version = excluded.version",
        key,
        field,
        version,
    )


async def entity(conn: AbstractConnection, tenant: str, entity_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM registry_entities WHERE tenant = $1 AND id = $2", tenant, entity_id
    )


async def county(conn: AbstractConnection, tenant: str) -> str | None:
    """The tenant's root entity (the county), once registered."""
    value = await conn.fetchval(
        "SELECT id FROM registry_entities WHERE tenant = $1 AND kind = 'county'", tenant
    )
    return None if value is None else str(value)


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


def replica_consumer(
    name: str, db: AbstractDatabase, bus: AbstractBus | None, clock: Clock | None = None
) -> ConsumerRunner:
    """The consumer keeping a service's copy of the registry in ``db``, following the
    registry's events on ``bus``; without a bus, driven from outside (dead-letter commands)."""
    subscription = bus.subscribe(name, ["registry"], db) if bus else None
    return ConsumerRunner(name, db, subscription, apply_registry_event, clock=clock)
