"""Scoring's read models, fed from its own log.

``scoring``: rubrics, campaigns, batches, applications (current status), objections and
rectification orders, with private texts (rebuilt from the log only). ``honor-list``: who holds a
title now. ``delistings``: every title lost, when, why and caused by what. The two public lists
carry nothing private, so they can be rebuilt from the ``wuyi.scoring.events`` topic too.
"""

from __future__ import annotations

import json

from wuyi_contracts.scoring import TitleAwarded, TitleDelisted
from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore import StoredEvent
from wuyi_core.projection import Projection, Tables

from wuyi_scoring.domain.application import STATUS_AFTER


class ScoringProjection(Projection):
    name = "scoring"
    uses_private = True  # objection texts and notes
    ddl = {
        "rubrics": [
            """CREATE TABLE IF NOT EXISTS {t} (
                rubric_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, code TEXT NOT NULL,
                version INTEGER NOT NULL, body TEXT NOT NULL, published_at TEXT NOT NULL)""",
        ],
        "campaigns": [
            """CREATE TABLE IF NOT EXISTS {t} (
                campaign_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, data TEXT NOT NULL,
                launched_at TEXT NOT NULL)""",
        ],
        "batches": [
            """CREATE TABLE IF NOT EXISTS {t} (
                batch_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, campaign_id TEXT NOT NULL,
                name TEXT NOT NULL, opens_on TEXT NOT NULL, closes_on TEXT NOT NULL)""",
        ],
        "applications": [
            """CREATE TABLE IF NOT EXISTS {t} (
                application_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, campaign_id TEXT NOT NULL,
                batch_id TEXT NOT NULL, entity_id TEXT NOT NULL, entity_name TEXT NOT NULL,
                entity_kind TEXT NOT NULL, township_id TEXT, status TEXT NOT NULL,
                self_total REAL, final_score REAL, notice_closes_on TEXT, awarded_on TEXT,
                updated_at TEXT NOT NULL, version BIGINT NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS {t}_by_entity ON {t} (tenant, entity_id, status)",
            "CREATE INDEX IF NOT EXISTS {t}_by_batch ON {t} (tenant, batch_id)",
        ],
        "objections": [
            """CREATE TABLE IF NOT EXISTS {t} (
                objection_id TEXT PRIMARY KEY, tenant TEXT NOT NULL,
                application_id TEXT NOT NULL, text TEXT, status TEXT NOT NULL,
                filed_at TEXT NOT NULL, ruled_at TEXT)""",
        ],
        "orders": [
            """CREATE TABLE IF NOT EXISTS {t} (
                order_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, application_id TEXT NOT NULL,
                due_on TEXT NOT NULL, completed_on TEXT)""",
        ],
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        aggregate, change = event.type.split(".")[3:5]
        d, at = event.data, event.recorded_at.isoformat()
        if aggregate == "rubric":
            await conn.execute(
                f"INSERT INTO {t['rubrics']} (rubric_id, tenant, code, version, body,"
                " published_at) VALUES ($1, $2, $3, $4, $5, $6)",
                d["rubric_id"],
                event.tenant,
                d["body"]["code"],
                d["rubric_version"],
                json.dumps(d["body"], ensure_ascii=False),
                at,
            )
        elif (aggregate, change) == ("campaign", "launched"):
            await conn.execute(
                f"INSERT INTO {t['campaigns']} (campaign_id, tenant, data, launched_at)"
                " VALUES ($1, $2, $3, $4)",
                d["campaign_id"],
                event.tenant,
                json.dumps(d, ensure_ascii=False),
                at,
            )
        elif (aggregate, change) == ("campaign", "batch_opened"):
            await conn.execute(
                f"INSERT INTO {t['batches']} (batch_id, tenant, campaign_id, name, opens_on,"
                " closes_on) VALUES ($1, $2, $3, $4, $5, $6)",
                d["batch_id"],
                event.tenant,
                d["campaign_id"],
                d["name"],
                d["opens_on"],
                d["closes_on"],
            )
        elif aggregate == "application":
            await _apply_application(conn, event, t)


async def _apply_application(conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
    change = event.type.split(".")[4]
    d, at, apps = event.data, event.recorded_at.isoformat(), t["applications"]
    if change == "opened":
        await conn.execute(
            f"INSERT INTO {apps} (application_id, tenant, campaign_id, batch_id, entity_id,"
            " entity_name, entity_kind, township_id, status, updated_at, version)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10)",
            d["application_id"],
            event.tenant,
            d["campaign_id"],
            d["batch_id"],
            d["entity_id"],
            d["entity_name"],
            d["entity_kind"],
            d["township_id"],
            at,
            event.stream_version,
        )
        return
    status = STATUS_AFTER.get(change)
    if status is not None:
        await conn.execute(
            f"UPDATE {apps} SET status = $1 WHERE application_id = $2",
            status.value,
            d["application_id"],
        )
    if change == "self_assessed":
        await _set(conn, apps, "self_total", d["total"], d["application_id"])
    elif change == "inspection_recorded":
        await _set(conn, apps, "final_score", d["final_score"], d["application_id"])
    elif change == "sent_back":
        await _set(conn, apps, "final_score", None, d["application_id"])
    elif change == "public_notice_opened":
        await _set(conn, apps, "notice_closes_on", d["closes_on"], d["application_id"])
    elif change == "awarded":
        await _set(conn, apps, "awarded_on", d["awarded_on"], d["application_id"])
    elif change == "objection_filed":
        await conn.execute(
            f"INSERT INTO {t['objections']} (objection_id, tenant, application_id, text, status,"
            " filed_at) VALUES ($1, $2, $3, $4, 'pending', $5)",
            d["objection_id"],
            event.tenant,
            d["application_id"],
            (event.private or {}).get("text"),
            at,
        )
    elif change == "objection_ruled":
        await conn.execute(
            f"UPDATE {t['objections']} SET status = $1, ruled_at = $2 WHERE objection_id = $3",
            "upheld" if d["upheld"] else "dismissed",
            at,
            d["objection_id"],
        )
    elif change == "rectification_ordered":
        await conn.execute(
            f"INSERT INTO {t['orders']} (order_id, tenant, application_id, due_on)"
            " VALUES ($1, $2, $3, $4)",
            d["order_id"],
            event.tenant,
            d["application_id"],
            d["due_on"],
        )
    elif change == "rectification_completed":
        await conn.execute(
            f"UPDATE {t['orders']} SET completed_on = $1 WHERE order_id = $2",
            at[:10],
            d["order_id"],
        )
    await conn.execute(
        f"UPDATE {apps} SET updated_at = $1, version = $2 WHERE application_id = $3",
        at,
        event.stream_version,
        d["application_id"],
    )


async def _set(conn: AbstractConnection, table: str, column: str, value: object, key: str) -> None:
    await conn.execute(f"UPDATE {table} SET {column} = $1 WHERE application_id = $2", value, key)


class HonorListProjection(Projection):
    """无疫名单: current holders of each campaign's title."""

    name = "honor-list"
    types = frozenset({TitleAwarded.event_type(), TitleDelisted.event_type()})
    ddl = {
        "holders": [
            """CREATE TABLE IF NOT EXISTS {t} (
                application_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, campaign_id TEXT NOT NULL,
                batch_id TEXT NOT NULL, entity_id TEXT NOT NULL, entity_name TEXT NOT NULL,
                award_title TEXT NOT NULL, score REAL NOT NULL, rubric_id TEXT NOT NULL,
                rubric_version INTEGER NOT NULL, awarded_on TEXT NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS {t}_by_campaign ON {t} (tenant, campaign_id)",
        ]
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        d = event.data
        if event.type == TitleAwarded.event_type():
            await conn.execute(
                f"INSERT INTO {t['holders']} (application_id, tenant, campaign_id, batch_id,"
                " entity_id, entity_name, award_title, score, rubric_id, rubric_version,"
                " awarded_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                d["application_id"],
                event.tenant,
                d["campaign_id"],
                d["batch_id"],
                d["entity_id"],
                d["entity_name"],
                d["award_title"],
                d["score"],
                d["rubric_id"],
                d["rubric_version"],
                d["awarded_on"],
            )
        elif event.type == TitleDelisted.event_type():
            await conn.execute(
                f"DELETE FROM {t['holders']} WHERE application_id = $1", d["application_id"]
            )


class DelistingsProjection(Projection):
    """摘牌名单: every title removed, with reason and cause."""

    name = "delistings"
    types = frozenset({TitleDelisted.event_type()})
    ddl = {
        "delistings": [
            """CREATE TABLE IF NOT EXISTS {t} (
                event_id TEXT PRIMARY KEY, position BIGINT NOT NULL, tenant TEXT NOT NULL,
                application_id TEXT NOT NULL, campaign_id TEXT NOT NULL, entity_id TEXT NOT NULL,
                entity_name TEXT NOT NULL, reason TEXT NOT NULL, cause_event_id TEXT,
                cause_type TEXT, delisted_on TEXT NOT NULL, delisted_at TEXT NOT NULL,
                fraud INTEGER NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS {t}_by_campaign ON {t} (tenant, campaign_id, position)",
        ]
    }

    async def apply(self, conn: AbstractConnection, event: StoredEvent, t: Tables) -> None:
        if event.type != TitleDelisted.event_type():
            return
        d = event.data
        await conn.execute(
            f"INSERT INTO {t['delistings']} (event_id, position, tenant, application_id,"
            " campaign_id, entity_id, entity_name, reason, cause_event_id, cause_type,"
            " delisted_on, delisted_at, fraud)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            event.event_id,
            event.position,
            event.tenant,
            d["application_id"],
            d["campaign_id"],
            d["entity_id"],
            d["entity_name"],
            d["reason"],
            d["cause_event_id"],
            d["cause_type"],
            d["delisted_on"],
            event.recorded_at.isoformat(),
            int(d["fraud"]),
        )


PROJECTIONS = (ScoringProjection, HonorListProjection, DelistingsProjection)
