"""What scoring knows of reporting, fed by reporting's events (never its database).

``inbox_events`` keeps each reporting event scoring acted on, as received, so the audit timeline
can show the case that caused a delisting. ``eligibility`` is the latest published verdict per
entity. ``case_marks`` files each case under its entity and every ancestor, so "a case anywhere
under this titled entity" is one lookup; ``case_lifts`` keeps every lift, also of a case not seen
yet, so a case that arrives after its lift is filed lifted. ``verified_complaints`` counts toward
the campaign's complaints threshold.

Every record here is correct in any order of arrival (a parked event replayed late): verdicts and
zones keep the newest stream version, cases and lifts meet whichever comes first, complaints are
a set.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from wuyi_contracts.envelope import Envelope
from wuyi_core import tenant_zones
from wuyi_core.db.port import AbstractConnection

DDL = [
    """CREATE TABLE IF NOT EXISTS inbox_events (
        event_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, entity_id TEXT NOT NULL,
        type TEXT NOT NULL, time TEXT NOT NULL, actor TEXT, envelope TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS inbox_events_by_entity ON inbox_events (tenant, entity_id)",
    """CREATE TABLE IF NOT EXISTS eligibility (
        entity_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, eligible INTEGER NOT NULL,
        as_of TEXT NOT NULL, clean_days INTEGER, failed_rules TEXT NOT NULL,
        version BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS case_marks (
        case_id TEXT NOT NULL, ancestor_id TEXT NOT NULL, tenant TEXT NOT NULL,
        entity_id TEXT NOT NULL, day TEXT NOT NULL, lifted_on TEXT,
        PRIMARY KEY (case_id, ancestor_id))""",
    "CREATE INDEX IF NOT EXISTS case_marks_by_ancestor ON case_marks (tenant, ancestor_id)",
    *tenant_zones.DDL,
    """CREATE TABLE IF NOT EXISTS case_lifts (
        case_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, lifted_on TEXT NOT NULL,
        lifted_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS verified_complaints (
        complaint_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, entity_id TEXT NOT NULL,
        verified_on TEXT NOT NULL, event_id TEXT NOT NULL)""",
]


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    as_of: date
    clean_days: int | None  # days without a case as of ``as_of``; None: never had one
    failed_rules: list[str]


async def keep(conn: AbstractConnection, envelope: Envelope, entity_id: str) -> None:
    await conn.execute(
        "INSERT INTO inbox_events (event_id, tenant, entity_id, type, time, actor, envelope)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING",
        envelope.id,
        envelope.tenant,
        entity_id,
        envelope.type,
        envelope.time.isoformat(),
        envelope.actor,
        envelope.model_dump_json(),
    )


async def record_eligibility(conn: AbstractConnection, envelope: Envelope) -> None:
    """Keep the newest verdict; an older one arriving late (another partition) is ignored."""
    d = envelope.data
    await conn.execute(
        "INSERT INTO eligibility (entity_id, tenant, eligible, as_of, clean_days, failed_rules,"
        " version) VALUES ($1, $2, $3, $4, $7, $5, $6) ON CONFLICT (entity_id) DO UPDATE SET"
        " eligible = excluded.eligible, as_of = excluded.as_of,"
        " clean_days = excluded.clean_days,"
        " failed_rules = excluded.failed_rules, version = excluded.version"
        " WHERE excluded.version > eligibility.version",
        d["entity_id"],
        envelope.tenant,
        int(envelope.type.split(".")[4] == "gained"),
        d["as_of"],
        json.dumps(d["failed_rules"]),
        envelope.streamversion or 0,
        d["clean_days"],
    )


async def eligibility(conn: AbstractConnection, tenant: str, entity_id: str) -> Eligibility | None:
    row = await conn.fetchrow(
        "SELECT eligible, as_of, clean_days, failed_rules FROM eligibility"
        " WHERE tenant = $1 AND entity_id = $2",
        tenant,
        entity_id,
    )
    if row is None:
        return None
    return Eligibility(
        bool(row["eligible"]),
        date.fromisoformat(row["as_of"]),
        row["clean_days"],
        json.loads(row["failed_rules"]),
    )


async def mark_case(
    conn: AbstractConnection, envelope: Envelope, lineage: list[str], day: str
) -> None:
    """File the case under its entity and every ancestor, lifted if its lift came first."""
    for ancestor in lineage:
        await conn.execute(
            "INSERT INTO case_marks (case_id, ancestor_id, tenant, entity_id, day, lifted_on)"
            " VALUES ($1, $2, $3, $4, $5,"
            " (SELECT lifted_on FROM case_lifts WHERE case_id = $1))"
            " ON CONFLICT (case_id, ancestor_id) DO NOTHING",
            envelope.data["case_id"],
            ancestor,
            envelope.tenant,
            envelope.data["entity_id"],
            day,
        )


async def lift_case(conn: AbstractConnection, envelope: Envelope) -> None:
    """Remember the lift (its recorded time too: a late case spares titles awarded after it)
    and lift the case's marks, if the case has arrived."""
    case_id, lifted_on = envelope.data["case_id"], envelope.data["lifted_on"]
    await conn.execute(
        "INSERT INTO case_lifts (case_id, tenant, lifted_on, lifted_at) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (case_id) DO NOTHING",
        case_id,
        envelope.tenant,
        lifted_on,
        envelope.time.isoformat(),
    )
    await conn.execute(
        "UPDATE case_marks SET lifted_on = $1 WHERE case_id = $2", lifted_on, case_id
    )


async def case_lifted_at(conn: AbstractConnection, case_id: str) -> datetime | None:
    """When the case's lift was recorded in reporting; None while no lift is known."""
    value = await conn.fetchval("SELECT lifted_at FROM case_lifts WHERE case_id = $1", case_id)
    return None if value is None else datetime.fromisoformat(value)


async def open_cases_under(conn: AbstractConnection, tenant: str, entity_id: str) -> list[str]:
    """Cases in the entity or anywhere under it that have not been lifted."""
    rows = await conn.fetch(
        "SELECT DISTINCT case_id FROM case_marks WHERE tenant = $1 AND ancestor_id = $2"
        " AND lifted_on IS NULL ORDER BY case_id",
        tenant,
        entity_id,
    )
    return [row["case_id"] for row in rows]


async def record_verified_complaint(conn: AbstractConnection, envelope: Envelope, day: str) -> None:
    await conn.execute(
        "INSERT INTO verified_complaints (complaint_id, tenant, entity_id, verified_on, event_id)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (complaint_id) DO NOTHING",
        envelope.data["complaint_id"],
        envelope.tenant,
        envelope.data["entity_id"],
        day,
        envelope.id,
    )


async def verified_complaints(
    conn: AbstractConnection, tenant: str, entity_id: str
) -> list[tuple[date, datetime]]:
    """The entity's verified complaints: the tenant's day and the recorded time of each
    verification."""
    rows = await conn.fetch(
        "SELECT c.verified_on, e.time FROM verified_complaints c"
        " JOIN inbox_events e ON e.event_id = c.event_id"
        " WHERE c.tenant = $1 AND c.entity_id = $2 ORDER BY c.verified_on, c.complaint_id",
        tenant,
        entity_id,
    )
    return [
        (date.fromisoformat(row["verified_on"]), datetime.fromisoformat(row["time"]))
        for row in rows
    ]
