"""What the public may read (honor list, delistings with reasons, open public notices) and how
a public request finds its county: by the campaign it names, or by ``tenant``."""

from __future__ import annotations

from typing import Any

from wuyi_core.errors import InvalidInput, NotFound

from wuyi_scoring.bootstrap import Scoring


async def tenant_of(scoring: Scoring, campaign_id: str | None, tenant: str | None) -> str:
    if campaign_id is None:
        if not tenant:
            raise InvalidInput(
                "请指定 campaign_id 或 tenant", "campaign_id or tenant is required", "campaign_id"
            )
        return tenant
    async with scoring.reading() as tx:
        owner = await tx.conn.fetchval(
            f"SELECT tenant FROM {tx.t['campaigns']} WHERE campaign_id = $1", campaign_id
        )
    if owner is None or (tenant and owner != tenant):
        raise NotFound(f"创建活动不存在：{campaign_id}", f"no campaign {campaign_id}")
    return str(owner)


async def honor_list(scoring: Scoring, tenant: str, campaign_id: str | None) -> dict[str, Any]:
    """无疫名单: the current holders, newest award first."""
    async with scoring.store.db.read() as conn:
        t = await scoring.projectors["honor-list"].tables(conn)
        rows = await conn.fetch(
            f"SELECT application_id, campaign_id, batch_id, entity_id, entity_name, award_title,"
            f" score, rubric_id, rubric_version, awarded_on FROM {t['holders']}"
            " WHERE tenant = $1 AND (CAST($2 AS TEXT) IS NULL OR campaign_id = $2)"
            " ORDER BY awarded_on DESC, entity_name, application_id",
            tenant,
            campaign_id,
        )
    return {"campaign_id": campaign_id, "count": len(rows), "holders": rows}


async def delistings(scoring: Scoring, tenant: str, campaign_id: str | None) -> dict[str, Any]:
    """摘牌名单: who lost a title, when, why, and what caused it; newest first."""
    async with scoring.store.db.read() as conn:
        t = await scoring.projectors["delistings"].tables(conn)
        rows = await conn.fetch(
            f"SELECT event_id AS id, application_id, campaign_id, entity_id, entity_name, reason,"
            f" cause_event_id, cause_type, delisted_on, delisted_at, fraud FROM {t['delistings']}"
            " WHERE tenant = $1 AND (CAST($2 AS TEXT) IS NULL OR campaign_id = $2)"
            " ORDER BY position DESC",
            tenant,
            campaign_id,
        )
    for row in rows:
        row["fraud"] = bool(row["fraud"])
        row["reason_zh"] = REASONS_ZH[row["reason"]]
    return {"campaign_id": campaign_id, "count": len(rows), "delistings": rows}


async def public_notices(scoring: Scoring, tenant: str, campaign_id: str | None) -> dict[str, Any]:
    """Applications now in public notice (公示), open to objections until ``closes_on``."""
    async with scoring.reading() as tx:
        rows = await tx.conn.fetch(
            f"SELECT application_id, campaign_id, batch_id, entity_id, entity_name, final_score,"
            f" notice_closes_on AS closes_on FROM {tx.t['applications']}"
            " WHERE tenant = $1 AND status = 'in_public_notice'"
            " AND (CAST($2 AS TEXT) IS NULL OR campaign_id = $2)"
            " ORDER BY entity_name, application_id",
            tenant,
            campaign_id,
        )
    return {"campaign_id": campaign_id, "notices": rows}


REASONS_ZH = {
    "case": "发生病例",
    "complaints": "群众投诉集中且经核实",
    "rectification_overdue": "逾期未完成整改",
    "spot_check": "抽查不合格",
    "fraud": "弄虚作假",
    "component_share": "辖区内获得称号的主体比例不足",
}


async def tenant_of_application(scoring: Scoring, application_id: str) -> str:
    async with scoring.reading() as tx:
        owner = await tx.conn.fetchval(
            f"SELECT tenant FROM {tx.t['applications']} WHERE application_id = $1",
            application_id,
        )
    if owner is None:
        raise NotFound(f"申报不存在：{application_id}", f"application {application_id} not found")
    return str(owner)
