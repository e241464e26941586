"""Per-tenant marks of a projection kept per tenant (``Projector(per_tenant=True)``).

A mark says: every event of the tenant at or below this position is applied to the
generation's tables. It serves only a store that serializes tenants (store.py): there a
tenant's events commit in position order, so "applied up to a position" is the whole truth
for the tenant, and a unit of work holding the tenant's append lock catches the tenant up by
position with no global lock. Marks are taken and written under a lock of their own per
projection and tenant (``lock``), held to commit by whoever applies the tenant's events.
"""

from __future__ import annotations

from collections.abc import Sequence

from wuyi_core.db.port import AbstractConnection

DDL = [
    """CREATE TABLE IF NOT EXISTS projection_marks (
        name TEXT NOT NULL, generation INTEGER NOT NULL, tenant TEXT NOT NULL,
        position BIGINT NOT NULL, PRIMARY KEY (name, generation, tenant))"""
]


def lock(name: str, tenant: str) -> str:
    """The lock that serializes applying ``tenant``'s events to projection ``name``."""
    return f"projection:{name}:tenant:{tenant}"


async def read(
    conn: AbstractConnection, name: str, generation: int, tenants: Sequence[str]
) -> dict[str, int]:
    """The marks of ``tenants`` (a tenant without one has applied nothing: 0), in one query."""
    if not tenants:
        return {}
    places = ", ".join(f"${n}" for n in range(3, len(tenants) + 3))
    rows = await conn.fetch(
        "SELECT tenant, position FROM projection_marks WHERE name = $1 AND generation = $2"
        f" AND tenant IN ({places})",
        name,
        generation,
        *tenants,
    )
    return {row["tenant"]: int(row["position"]) for row in rows}


async def write(
    conn: AbstractConnection, name: str, generation: int, tenant: str, position: int
) -> None:
    await conn.execute(
        "INSERT INTO projection_marks (name, generation, tenant, position)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (name, generation, tenant)"
        " DO UPDATE SET position = excluded.position",
        name,
        generation,
        tenant,
        position,
    )


async def initialise(conn: AbstractConnection, name: str, generation: int, checkpoint: int) -> None:
    """A projection that turns per-tenant with events applied and no marks yet: each tenant's
    mark is its last event at or below the checkpoint. The history was followed in position
    order (a serialized store), so every one of those events is applied."""
    if checkpoint == 0 or await conn.fetchval(
        "SELECT 1 FROM projection_marks WHERE name = $1 AND generation = $2 LIMIT 1",
        name,
        generation,
    ):
        return
    await conn.execute(
        "INSERT INTO projection_marks (name, generation, tenant, position)"
        " SELECT $1, $2, tenant, MAX(position) FROM events WHERE position <= $3 GROUP BY tenant",
        name,
        generation,
        checkpoint,
    )


async def drop(conn: AbstractConnection, name: str, generation: int) -> None:
    await conn.execute(
        "DELETE FROM projection_marks WHERE name = $1 AND generation = $2", name, generation
    )
