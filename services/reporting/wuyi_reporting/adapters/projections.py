"""Reporting's read models, fed from its own log: ``completeness`` (the grid-day report table),
``eligibility`` (cases and the last published eligibility per entity), ``reporting`` (settings
and complaints)."""

from __future__ import annotations

import json

from wuyi_contracts import reporting
from wuyi_contracts.reporting import CaseLifted, CaseReported, EligibilityGained, EligibilityLost
from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import StoredEvent
from wuyi_core.projection import Projection, Tables


class CompletenessProjection(Projection):
    name = "completeness"
    ddl = {
        "reports": [
            """CREATE TABLE IF NOT EXISTS {t} (
            report_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, grid_id TEXT NOT NULL,
            entity_id TEXT NOT NULL, level INTEGER NOT NULL, day TEXT NOT NULL,
            received INTEGER NOT NULL, on_time INTEGER NOT NULL, missed INTEGER NOT NULL,
            zero INTEGER, counts TEXT, first_at TEXT, last_at TEXT,
            corrections INTEGER NOT NULL, rollup TEXT)""",
            "CREATE INDEX IF NOT EXISTS {t}_by_day ON {t} (tenant, day, grid_id)",
        ]
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        change = event.type.split(".")[4]
        if event.type.split(".")[3] != "grid_report":
            return
        d = event.data
        await conn.execute(
            f"INSERT INTO {t['reports']} (report_id, tenant, grid_id, entity_id, level, day,"
            " received, on_time, missed, corrections) VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, 0)"
            " ON CONFLICT (report_id) DO NOTHING",
            d["report_id"],
            event.tenant,
            d["grid_id"],
            d["entity_id"],
            d["level"],
            d["date"],
        )
        content = (
            json.dumps(d["counts"]) if d.get("counts") else None,
            json.dumps(d["rollup"]) if d.get("rollup") else None,
        )
        if change == "missed":
            await conn.execute(
                f"UPDATE {t['reports']} SET missed = 1 WHERE report_id = $1", d["report_id"]
            )
        elif change == "submitted":
            await conn.execute(
                f"UPDATE {t['reports']} SET received = 1, on_time = $1, zero = $2, counts = $3,"
                " rollup = $4, first_at = $5, last_at = $5 WHERE report_id = $6",
                int(d["on_time"]),
                int(d["zero"]),
                *content,
                d["submitted_at"],
                d["report_id"],
            )
        elif change == "corrected":
            await conn.execute(
                f"UPDATE {t['reports']} SET zero = $1, counts = $2, rollup = $3, last_at = $4,"
                " corrections = corrections + 1 WHERE report_id = $5",
                int(d["zero"]),
                *content,
                d["submitted_at"],
                d["report_id"],
            )


class EligibilityProjection(Projection):
    name = "eligibility"
    types = frozenset(
        e.event_type() for e in (CaseReported, CaseLifted, EligibilityGained, EligibilityLost)
    )
    ddl = {
        "cases": [
            """CREATE TABLE IF NOT EXISTS {t} (
                case_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, entity_id TEXT NOT NULL,
                kind TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL, lifted_on TEXT)""",
            "CREATE INDEX IF NOT EXISTS {t}_by_entity ON {t} (tenant, entity_id)",
        ],
        "states": [
            """CREATE TABLE IF NOT EXISTS {t} (
                entity_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, eligible INTEGER NOT NULL,
                as_of TEXT NOT NULL, clean_days INTEGER, failed_rules TEXT NOT NULL,
                version BIGINT NOT NULL)""",
        ],
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        aggregate, change = event.type.split(".")[3:5]
        d = event.data
        if (aggregate, change) == ("case", "reported"):
            await conn.execute(
                f"INSERT INTO {t['cases']} (case_id, tenant, entity_id, kind, day, count)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                d["case_id"],
                event.tenant,
                d["entity_id"],
                d["kind"],
                d["date"],
                d["count"],
            )
        elif (aggregate, change) == ("case", "lifted"):
            await conn.execute(
                f"UPDATE {t['cases']} SET lifted_on = $1 WHERE case_id = $2",
                d["lifted_on"],
                d["case_id"],
            )
        elif aggregate == "eligibility":
            await conn.execute(
                f"INSERT INTO {t['states']} (entity_id, tenant, eligible, as_of, clean_days,"
                " failed_rules, version) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                " ON CONFLICT (entity_id) DO UPDATE SET eligible = excluded.eligible,"
                " as_of = excluded.as_of, clean_days = excluded.clean_days,"
                " failed_rules = excluded.failed_rules, version = excluded.version",
                d["entity_id"],
                event.tenant,
                int(change == "gained"),
                d["as_of"],
                d["clean_days"],
                json.dumps(d["failed_rules"]),
                event.stream_version,
            )


class ReportingProjection(Projection):
    uses_private = True  # contacts / complaint texts live only in the log
    name = "reporting"
    types = frozenset(
        e.event_type() for e in reporting.EVENTS if e.aggregate in ("settings", "complaint")
    )
    ddl = {
        "settings": [
            """CREATE TABLE IF NOT EXISTS {t} (
            tenant TEXT PRIMARY KEY, data TEXT NOT NULL, version BIGINT NOT NULL)"""
        ],
        "complaints": [
            """CREATE TABLE IF NOT EXISTS {t} (
                complaint_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, entity_id TEXT NOT NULL,
                source TEXT NOT NULL, summary TEXT, status TEXT NOT NULL, note TEXT,
                registered_at TEXT NOT NULL, decided_at TEXT, decided_by TEXT)""",
            "CREATE INDEX IF NOT EXISTS {t}_by_entity ON {t} (tenant, entity_id, status)",
        ],
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        aggregate, change = event.type.split(".")[3:5]
        d, private = event.data, event.private or {}
        if aggregate == "settings":
            await conn.execute(
                f"INSERT INTO {t['settings']} (tenant, data, version) VALUES ($1, $2, $3)"
                " ON CONFLICT (tenant) DO UPDATE SET data = excluded.data,"
                " version = excluded.version",
                event.tenant,
                json.dumps(d),
                event.stream_version,
            )
        elif (aggregate, change) == ("complaint", "registered"):
            await conn.execute(
                f"INSERT INTO {t['complaints']} (complaint_id, tenant, entity_id, source,"
                " summary, status, registered_at) VALUES ($1, $2, $3, $4, $5, 'open', $6)",
                d["complaint_id"],
                event.tenant,
                d["entity_id"],
                d["source"],
                private.get("summary"),
                event.recorded_at.isoformat(),
            )
        elif aggregate == "complaint":
            await conn.execute(
                f"UPDATE {t['complaints']} SET status = $1, note = $2, decided_at = $3,"
                " decided_by = $4 WHERE complaint_id = $5",
                change,
                private.get("note"),
                event.recorded_at.isoformat(),
                event.metadata.actor,
                d["complaint_id"],
            )


PROJECTIONS = (CompletenessProjection, EligibilityProjection, ReportingProjection)
