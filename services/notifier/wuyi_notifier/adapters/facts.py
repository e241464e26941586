"""What the notifier learned from other services' events, to address and word its messages."""

from __future__ import annotations

from wuyi_contracts.envelope import Envelope
from wuyi_core.db.port import AbstractConnection, Row


class NotKnownYet(LookupError):
    """An application's later event arrived before its opening (another partition, a replay):
    the consumer retries, then parks it, to be replayed once the opening has arrived."""


async def record_application(conn: AbstractConnection, envelope: Envelope) -> None:
    d = envelope.data
    await conn.execute(
        "INSERT INTO applications (application_id, tenant, entity_id, entity_name, township_id,"
        " campaign_id, batch_id) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (application_id) DO NOTHING",
        d["application_id"],
        envelope.tenant,
        d["entity_id"],
        d["entity_name"],
        d["township_id"],
        d["campaign_id"],
        d["batch_id"],
    )


async def application(conn: AbstractConnection, tenant: str, application_id: str) -> Row:
    row = await conn.fetchrow(
        "SELECT * FROM applications WHERE tenant = $1 AND application_id = $2",
        tenant,
        application_id,
    )
    if row is None:
        raise NotKnownYet(f"application {application_id} is not known to the notifier yet")
    return row


async def record_report(conn: AbstractConnection, envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO grid_reports_seen (grid_id, day) VALUES ($1, $2)"
        " ON CONFLICT (grid_id, day) DO NOTHING",
        envelope.data["grid_id"],
        envelope.data["date"],
    )


async def reported(conn: AbstractConnection, grid_id: str, day: str) -> bool:
    return (
        await conn.fetchval(
            "SELECT 1 FROM grid_reports_seen WHERE grid_id = $1 AND day = $2", grid_id, day
        )
        is not None
    )


async def grid(conn: AbstractConnection, tenant: str, grid_id: str) -> Row | None:
    return await conn.fetchrow(
        "SELECT * FROM registry_grids WHERE tenant = $1 AND id = $2", tenant, grid_id
    )
