"""Message templates (消息模板), zh-CN first and English second, one per event type that has
recipients, each linking to the dashboard page of its item.

Facts come from the event and the notifier's replicas (entity and grid names, award titles):
never a person's name or contact, so the same words may go to a public channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wuyi_contracts import reporting, scoring
from wuyi_contracts.base import EventData
from wuyi_contracts.catalog import EVENT_TYPES

DELIST_REASONS = {
    "case": ("辖区内出现病例", "a case in its area"),
    "complaints": ("核实投诉达到阈值", "verified complaints reached the threshold"),
    "rectification_overdue": ("整改逾期未完成", "rectification overdue"),
    "spot_check": ("抽查未通过", "failed a spot check"),
    "fraud": ("弄虚作假", "fraud"),
    "component_share": ("下辖达标比例不足", "too few titled components under it"),
}
REJECT_STAGES = {
    "township_review": ("乡镇审核", "township review"),
    "county_evaluation": ("县级评估", "county evaluation"),
    "recommendation": ("乡镇推荐", "township recommendation"),
    "public_notice": ("公示", "public notice"),
}
OTHER_STAGE = ("审核", "review")  # a stage of a campaign's own chain: its key is not words


@dataclass(frozen=True)
class Template:
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    link: str  # a dashboard path


@dataclass(frozen=True)
class Message:
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    link: str


_APP = "/#/applications/{application_id}"

TEMPLATES: dict[type[EventData], Template] = {
    scoring.TownshipApproved: Template(
        "乡镇审核通过",
        "Township review passed",
        "{entity_name}的申报已通过乡镇审核。",
        "The application of {entity_name} passed township review.",
        _APP,
    ),
    scoring.ApplicationRecommended: Template(
        "已推荐至县级评估",
        "Recommended for county evaluation",
        "{entity_name}的申报已推荐至县级评估。",
        "The application of {entity_name} was recommended for county evaluation.",
        _APP,
    ),
    scoring.ApplicationRejected: Template(
        "申报未通过",
        "Application rejected",
        "{entity_name}的申报未通过{stage_zh}。",
        "The application of {entity_name} did not pass {stage_en}.",
        _APP,
    ),
    scoring.ApplicationSentBack: Template(
        "申报被退回整改",
        "Application sent back for rework",
        "{entity_name}的申报在{stage_zh}环节被退回整改，请按意见修改、重新自评后再次提交。",
        "The application of {entity_name} was sent back for rework at {stage_en};"
        " please correct it, assess it again and resubmit.",
        _APP,
    ),
    scoring.ApplicationRectified: Template(
        "整改已登记",
        "Rectification recorded",
        "{entity_name}已登记整改情况，可在下一批次复验。",
        "{entity_name} recorded its rectification; it may be re-examined in the next batch.",
        _APP,
    ),
    scoring.ObjectionRuled: Template(
        "异议已裁定",
        "Objection ruled",
        "{entity_name}公示期间的异议已裁定：{upheld_zh}。",
        "An objection to {entity_name} during public notice was ruled: {upheld_en}.",
        _APP,
    ),
    scoring.RectificationOrdered: Template(
        "整改通知",
        "Rectification ordered",
        "{entity_name}须于{due_on}前完成整改。",
        "{entity_name} must complete rectification by {due_on}.",
        _APP,
    ),
    scoring.TitleAwarded: Template(
        "授予称号",
        "Title awarded",
        "{entity_name}被授予“{award_title}”称号。",
        "{entity_name} was awarded the title {award_title}.",
        "/#/honor-list/{campaign_id}",
    ),
    scoring.TitleDelisted: Template(
        "称号撤销",
        "Title withdrawn",
        "{entity_name}的称号已撤销，原因：{reason_zh}。",
        "The title of {entity_name} was withdrawn: {reason_en}.",
        "/#/delistings/{campaign_id}",
    ),
    scoring.ApplicationSubmitted: Template(
        "新的申报待审核",
        "New application to review",
        "{entity_name}提交了申报，请审核。",
        "{entity_name} submitted an application for review.",
        _APP,
    ),
    scoring.ObjectionFiled: Template(
        "收到异议",
        "Objection filed",
        "公示期间有人对{entity_name}提出异议，请处理。",
        "An objection to {entity_name} was filed during public notice.",
        _APP,
    ),
    scoring.PublicNoticeOpened: Template(
        "公示开始",
        "Public notice opened",
        "{entity_name}拟授称号，公示期{opens_on}至{closes_on}。",
        "{entity_name} is in public notice from {opens_on} to {closes_on}.",
        _APP,
    ),
    reporting.GridReportMissed: Template(
        "日报逾期未报",
        "Daily report overdue",
        "{grid_name}{date}的日报逾期未报，请尽快补报。",
        "The report of {grid_name} for {date} is overdue; please report.",
        "/#/grids/{grid_id}",
    ),
}


ESCALATION = Template(
    "下级网格日报逾期",
    "A grid under you has not reported",
    "{grid_name}{date}的日报逾期仍未补报，请督促。",
    "{grid_name} has still not reported for {date}; please follow up.",
    "/#/grids/{grid_id}",
)


REPORT_DUE = Template(
    "日报即将截止",
    "Daily report due soon",
    "{grid_name}{date}的日报将于{deadline}截止（还有{minutes}分钟），请及时上报。",
    "The report of {grid_name} for {date} is due at {deadline} (in {minutes} minutes).",
    "/#/grids/{grid_id}",
)


PHASE_DEADLINE = Template(
    "阶段截止临近",
    "Phase deadline approaching",
    "“{title}”的“{phase}”阶段将于{deadline}截止。",
    "The phase {phase} of {title} ends on {deadline}.",
    "/#/campaigns/{campaign_id}",
)
QUOTA_SHORT = Template(
    "名额未报满",
    "Quota not met",
    "{township_name}在“{title}”{batch_name}中申报{count}个，少于名额{quota}个；批次{closes_on}截止。",
    "{township_name} has {count} of {quota} applications in {batch_name} of {title};"
    " the batch closes on {closes_on}.",
    "/#/campaigns/{campaign_id}",
)


GENERIC = Template(
    "事件通知",
    "Event",
    "{event_type}（{subject}）",
    "{event_type} ({subject})",
    "/",
)


def message_for(event_type: str, facts: Mapping[str, object]) -> Message:
    """The words of an event for a group robot: its template, or the type and subject."""
    event = EVENT_TYPES.get(event_type)
    template = TEMPLATES.get(event) if event else None
    return render(template or GENERIC, {**facts, "event_type": event_type})


def template_for(event: type[EventData], escalation: bool = False) -> Template:
    return ESCALATION if escalation else TEMPLATES[event]


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: Template, facts: Mapping[str, object]) -> Message:
    values = _Facts({k: str(v) for k, v in facts.items() if v is not None})
    stage = REJECT_STAGES.get(values["stage"], OTHER_STAGE) if values["stage"] else ("", "")
    reason = DELIST_REASONS.get(values["reason"], ("", ""))
    upheld = facts.get("upheld")
    values.update(
        stage_zh=stage[0],
        stage_en=stage[1],
        reason_zh=reason[0],
        reason_en=reason[1],
        upheld_zh="异议成立" if upheld else "异议不成立",
        upheld_en="upheld" if upheld else "not upheld",
    )
    return Message(
        template.title_zh.format_map(values),
        template.title_en.format_map(values),
        template.body_zh.format_map(values),
        template.body_en.format_map(values),
        template.link.format_map(values),
    )
