"""Exports a county office files and posts: the honor list and the delisting list as XLSX,
the open 公示 notice as DOCX and PDF. Signed-in reviewers of the tenant (the content is public;
the documents cost the server work, so anonymous callers cannot ask for them in a loop)."""

from __future__ import annotations

from datetime import date, timedelta

from wuyi_core import registry_replica
from wuyi_core.auth import Principal, require_role
from wuyi_core.documents.xlsx import workbook

from wuyi_scoring.application import public
from wuyi_scoring.application.access import REVIEW_CHAIN
from wuyi_scoring.application.notice_document import Notice, NoticeRow
from wuyi_scoring.bootstrap import Scoring

EXPORTERS = REVIEW_CHAIN


async def honor_list_xlsx(scoring: Scoring, who: Principal, campaign_id: str | None) -> bytes:
    require_role(who, EXPORTERS)
    tenant = await public.tenant_of(scoring, campaign_id, who.tenant)
    holders = (await public.honor_list(scoring, tenant, campaign_id))["holders"]
    rows = [
        (
            n,
            h["entity_name"],
            h["award_title"],
            h["score"],
            h["awarded_on"],
            f"{h['rubric_id']} v{h['rubric_version']}",
            h["entity_id"],
            h["campaign_id"],
        )
        for n, h in enumerate(holders, start=1)
    ]
    headers = (
        "序号", "单位名称", "称号", "评估得分", "命名日期", "评价标准", "主体编号", "活动编号"
    )  # fmt: skip
    return workbook("无疫名单", f"无疫名单（共 {len(rows)} 个）", headers, rows)


async def delistings_xlsx(scoring: Scoring, who: Principal, campaign_id: str | None) -> bytes:
    require_role(who, EXPORTERS)
    tenant = await public.tenant_of(scoring, campaign_id, who.tenant)
    lost = (await public.delistings(scoring, tenant, campaign_id))["delistings"]
    rows = [
        (
            n,
            d["entity_name"],
            d["delisted_on"],
            d["reason_zh"],
            "是" if d["fraud"] else "否",
            d["cause_type"] or "",
            d["entity_id"],
            d["campaign_id"],
        )
        for n, d in enumerate(lost, start=1)
    ]
    headers = (
        "序号", "单位名称", "摘牌日期", "摘牌原因", "弄虚作假", "触发事件", "主体编号", "活动编号"
    )  # fmt: skip
    return workbook("摘牌名单", f"摘牌名单（共 {len(rows)} 个）", headers, rows)


async def notice(
    scoring: Scoring,
    who: Principal,
    campaign_id: str,
    contact: str | None,
    public_url: str | None,
) -> Notice:
    """The campaign's applications in public notice now, with what the notice must say."""
    require_role(who, EXPORTERS)
    async with scoring.reading() as tx:
        campaign = await tx.campaign(who.tenant, campaign_id)
        today = await tx.today(who.tenant)
        open_now = await tx.conn.fetch(
            f"SELECT entity_name, township_id, final_score, notice_closes_on"
            f" FROM {tx.t['applications']} WHERE tenant = $1 AND campaign_id = $2"
            " AND status = 'in_public_notice' ORDER BY township_id, entity_name, application_id",
            who.tenant,
            campaign_id,
        )
        townships: dict[str, str] = {}
        for township_id in {r["township_id"] for r in open_now if r["township_id"]}:
            found = await registry_replica.entity(tx.conn, who.tenant, township_id)
            townships[township_id] = str(found["name"]) if found else ""
    rows = []
    for r in open_now:
        closes = date.fromisoformat(r["notice_closes_on"])  # exclusive: the first day after
        rows.append(
            NoticeRow(
                name=r["entity_name"],
                township=townships.get(r["township_id"] or "", ""),
                score=r["final_score"],
                opens_on=closes - timedelta(days=campaign.notice_days),
                last_day=closes - timedelta(days=1),
            )
        )
    return Notice(
        campaign_title=campaign.title,
        doc_number=campaign.doc_number,
        issuer=campaign.issuer,
        award_title=campaign.award_title,
        rows=rows,
        contact=contact,
        public_url=public_url,
        today=today,
    )
