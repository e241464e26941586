"""Checks shared by the lifecycle's steps: scoring item scores by the rubric, and whether the
entity is eligible (reporting's verdict, and no open case under it since)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wuyi_contracts.rubric import RubricBody
from wuyi_contracts.scoring import CampaignLaunched, PhaseStep
from wuyi_core.errors import Conflict, InvalidInput

from wuyi_scoring.adapters import inbox
from wuyi_scoring.adapters.tx import Tx
from wuyi_scoring.domain.rubric import Assessment, InvalidScores, assess
from wuyi_scoring.domain.rules import closed_phase

RULES_ZH = {
    "cycle": "14天内无病例、无症状感染者、密接、次密接",
    "history": "未发生疫情或疫情已解除",
    "reporting": "网格每日报告无遗漏",
}


def assessed(
    rubric: RubricBody, raw: dict[str, float | bool]
) -> tuple[Assessment, dict[str, float]]:
    """The rubric's verdict on ``raw``; 422 naming every unknown, missing or excessive item."""
    try:
        result = assess(rubric, raw)
    except InvalidScores as err:
        first = err.problems[0]
        raise InvalidInput(
            "；".join(p.message_zh for p in err.problems),
            "; ".join(p.message_en for p in err.problems),
            f"scores.{first.item_id}",
        ) from err
    return result, {item: float(value) for item, value in raw.items()}


async def check_eligible(tx: Tx, tenant: str, entity_id: str, cycle_days: int) -> date:
    """Eligibility per reporting's last published verdict, and clean for the campaign's own
    cycle (周期) counted to today; returns the verdict's date."""
    verdict = await inbox.eligibility(tx.conn, tenant, entity_id)
    if verdict is None:
        raise InvalidInput(
            "尚无该主体的资格评估结果（报告服务尚未发布），请稍后重试",
            "eligibility: reporting has not published a verdict for this entity yet; retry later",
            "eligibility",
        )
    if not verdict.eligible:
        rules_zh = "、".join(RULES_ZH.get(r, r) for r in verdict.failed_rules)
        raise InvalidInput(
            f"不符合创建条件（{verdict.as_of}）：{rules_zh}",
            f"eligibility: not eligible as of {verdict.as_of}; failed rules: "
            f"{', '.join(verdict.failed_rules)}",
            "eligibility",
        )
    if verdict.clean_days is not None:
        # a verdict dated after scoring's today (clocks of two services) adds no clean days
        clean = verdict.clean_days + max(0, (await tx.today(tenant) - verdict.as_of).days)
        if clean < cycle_days:
            raise InvalidInput(
                f"距最近病例仅 {clean} 天，不足本活动要求的 {cycle_days} 天",
                f"eligibility: {clean} clean days, fewer than the campaign's cycle of "
                f"{cycle_days} (rule cycle)",
                "eligibility",
            )
    cases = await inbox.open_cases_under(tx.conn, tenant, entity_id)
    if cases:
        raise InvalidInput(
            f"该主体或其下属发生疫情，尚未解除（病例 {', '.join(cases)}）",
            f"eligibility: open case(s) in or under the entity: {', '.join(cases)}",
            "eligibility",
        )
    return verdict.as_of


async def check_phase(tx: Tx, tenant: str, campaign: CampaignLaunched, step: PhaseStep) -> None:
    """Refuse a step of the lifecycle whose phase deadline has passed (409 naming the phase)."""
    phase = closed_phase(campaign.phases, step, await tx.today(tenant))
    if phase is not None:
        raise Conflict(
            f"「{phase.name}」阶段已于 {phase.deadline} 截止",
            f"the phase {phase.name} ({step}) closed on {phase.deadline}",
            "phases",
        )


def note(text: str | None, **more: Any) -> dict[str, Any] | None:
    """Free text that may name people: kept in the private part of the event."""
    private = {k: v for k, v in {"note": text, **more}.items() if v}
    return private or None
