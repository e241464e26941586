"""The application (申报) aggregate: one entity, one batch, from draft to award and beyond.

```
draft -> self_assessed -> submitted -> township_approved -> recommended -> county_evaluated
      -> in_public_notice -> awarded -> delisted
any review step can end in rejected (the entity rectifies and applies in a later batch)
any review step can send it back (sent_back -> self_assessed -> submitted, same batch)
```
The state is folded from the application's own events; each command names the states it may
start from, and any other state is refused with the current state named (HTTP 409).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from wuyi_core.errors import Conflict


class Status(StrEnum):
    DRAFT = "draft"
    SELF_ASSESSED = "self_assessed"
    SUBMITTED = "submitted"
    TOWNSHIP_APPROVED = "township_approved"
    RECOMMENDED = "recommended"
    COUNTY_EVALUATED = "county_evaluated"
    IN_PUBLIC_NOTICE = "in_public_notice"
    AWARDED = "awarded"
    REJECTED = "rejected"
    DELISTED = "delisted"
    SENT_BACK = "sent_back"


STATUS_ZH = {
    Status.DRAFT: "草稿",
    Status.SELF_ASSESSED: "已自评",
    Status.SUBMITTED: "已申报",
    Status.TOWNSHIP_APPROVED: "乡镇初审通过",
    Status.RECOMMENDED: "已推荐至县",
    Status.COUNTY_EVALUATED: "县级评定中",
    Status.IN_PUBLIC_NOTICE: "公示中",
    Status.AWARDED: "已授牌",
    Status.REJECTED: "未通过（整改中）",
    Status.DELISTED: "已摘牌（整改中）",
    Status.SENT_BACK: "已退回整改",
}

# the review steps, each with the stage a send-back from it names
IN_REVIEW: dict[Status, str] = {
    Status.SUBMITTED: "township_review",
    Status.TOWNSHIP_APPROVED: "recommendation",
    Status.RECOMMENDED: "county_evaluation",
    Status.COUNTY_EVALUATED: "county_evaluation",
}

# command -> (states it may start from, its name in Chinese)
ALLOWED: dict[str, tuple[frozenset[Status], str]] = {
    "self_assess": (frozenset({Status.DRAFT, Status.SELF_ASSESSED, Status.SENT_BACK}), "自评"),
    "submit": (frozenset({Status.SELF_ASSESSED}), "申报"),
    "township_review": (frozenset({Status.SUBMITTED}), "乡镇初审"),
    "recommend": (frozenset({Status.TOWNSHIP_APPROVED}), "推荐"),
    "inspect": (frozenset({Status.RECOMMENDED, Status.COUNTY_EVALUATED}), "县级评定"),
    "reject": (frozenset({Status.RECOMMENDED, Status.COUNTY_EVALUATED}), "县级否决"),
    "send_back": (frozenset(IN_REVIEW), "退回整改"),
    "open_notice": (frozenset({Status.COUNTY_EVALUATED}), "公示"),
    "object": (frozenset({Status.IN_PUBLIC_NOTICE}), "提出异议"),
    "rule": (frozenset({Status.IN_PUBLIC_NOTICE}), "异议裁定"),
    "award": (frozenset({Status.IN_PUBLIC_NOTICE}), "授牌"),
    "spot_check": (frozenset({Status.AWARDED}), "抽查"),
    "order_rectification": (frozenset({Status.AWARDED}), "限期整改"),
    "complete_rectification": (frozenset({Status.AWARDED}), "整改完成"),
    "delist": (frozenset({Status.AWARDED}), "摘牌"),
}


def active_key(campaign_id: str, entity_id: str) -> str:
    """Held from opening until rejection or delisting: one live application or title per entity
    and campaign, so a titled entity cannot apply again and two openings cannot both win."""
    return f"active:{campaign_id}:{entity_id}"


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, command: str, current: Status) -> None:
        allowed, name_zh = ALLOWED[command]
        froms = ", ".join(sorted(s.value for s in allowed))
        super().__init__(
            f"当前状态为「{STATUS_ZH[current]}」，不能{name_zh}",
            f"cannot {command} an application in state {current.value} (allowed from: {froms})",
            "status",
        )
        self.current = current


@dataclass(frozen=True)
class Inspection:
    kind: str
    total: float
    vetoes_failed: tuple[str, ...]


@dataclass(frozen=True)
class ApplicationState:
    application_id: str
    campaign_id: str
    batch_id: str
    entity_id: str
    entity_name: str
    entity_kind: str
    township_id: str | None
    status: Status = Status.DRAFT
    version: int = 0
    self_total: float | None = None
    self_vetoes: tuple[str, ...] = ()
    inspections: tuple[Inspection, ...] = ()
    final_score: float | None = None
    notice_closes_on: date | None = None
    pending_objections: frozenset[str] = frozenset()
    open_orders: dict[str, date] = field(default_factory=dict)

    def expect(self, command: str) -> None:
        if self.status not in ALLOWED[command][0]:
            raise IllegalTransition(command, self.status)

    @property
    def held(self) -> bool:
        return self.status is Status.AWARDED


def fold(events: Iterable[tuple[str, dict[str, Any]]]) -> ApplicationState | None:
    """The state after ``(event name, data)`` pairs, oldest first; None before the first."""
    state: ApplicationState | None = None
    for version, (name, d) in enumerate(events, start=1):
        if name == "opened":
            state = ApplicationState(
                d["application_id"],
                d["campaign_id"],
                d["batch_id"],
                d["entity_id"],
                d["entity_name"],
                d["entity_kind"],
                d["township_id"],
            )
        assert state is not None, "an application's first event is ApplicationOpened"
        state = replace(_evolve(state, name, d), version=version)
    return state


# event name -> the status it leaves the application in (the other events keep the status)
STATUS_AFTER: dict[str, Status] = {
    "self_assessed": Status.SELF_ASSESSED,
    "submitted": Status.SUBMITTED,
    "township_approved": Status.TOWNSHIP_APPROVED,
    "recommended": Status.RECOMMENDED,
    "inspection_recorded": Status.COUNTY_EVALUATED,
    "public_notice_opened": Status.IN_PUBLIC_NOTICE,
    "rejected": Status.REJECTED,
    "awarded": Status.AWARDED,
    "delisted": Status.DELISTED,
    "sent_back": Status.SENT_BACK,
}


def _evolve(s: ApplicationState, name: str, d: dict[str, Any]) -> ApplicationState:
    s = replace(s, status=STATUS_AFTER.get(name, s.status))
    match name:
        case "self_assessed":
            return replace(s, self_total=d["total"], self_vetoes=tuple(d["vetoes_failed"]))
        case "inspection_recorded":
            inspection = Inspection(d["kind"], d["total"], tuple(d["vetoes_failed"]))
            return replace(
                s, inspections=(*s.inspections, inspection), final_score=d["final_score"]
            )
        case "sent_back":  # the next round is scored afresh
            return replace(s, inspections=(), final_score=None)
        case "public_notice_opened":
            return replace(s, notice_closes_on=date.fromisoformat(d["closes_on"]))
        case "objection_filed":
            return replace(s, pending_objections=s.pending_objections | {d["objection_id"]})
        case "objection_ruled":
            return replace(s, pending_objections=s.pending_objections - {d["objection_id"]})
        case "awarded":
            return replace(s, final_score=d["score"])
        case "rectification_ordered":
            return replace(
                s, open_orders={**s.open_orders, d["order_id"]: date.fromisoformat(d["due_on"])}
            )
        case "rectification_completed":
            return replace(
                s, open_orders={k: v for k, v in s.open_orders.items() if k != d["order_id"]}
            )
    return s
