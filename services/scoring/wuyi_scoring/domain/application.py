"""The application (申报) aggregate: one entity, one batch, from draft to award and beyond.

```
draft -> self_assessed -> submitted -> township_approved -> recommended -> county_evaluated
      -> in_public_notice -> awarded -> delisted -> rectified
any review step can end in rejected -> rectified (then the entity applies in a later batch)
any review step can send it back (sent_back -> self_assessed -> submitted, same batch)
```
That is the default review chain. A campaign states its own (``ReviewChain``): the steps
between submission and acceptance follow its stages (``stage`` counts the stages passed), a
chain without public notice awards straight after the accepting stage, and one with a county
record (备案) takes it after the award. The state is folded from the application's own events,
and the campaign's chain is attached by whoever reads it; a command outside the states (and
the stage) it may start from is refused with the current state named (HTTP 409).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from wuyi_contracts.scoring import DEFAULT_CHAIN, ReviewChain, Stage
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
    RECTIFIED = "rectified"


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
    Status.RECTIFIED: "已整改（待下批次复验）",
}

# the states of an application at a stage of its review chain
IN_REVIEW = frozenset(
    {Status.SUBMITTED, Status.TOWNSHIP_APPROVED, Status.RECOMMENDED, Status.COUNTY_EVALUATED}
)
# the commands whose turn the review chain decides, and the command of each stage's act
CHAIN_COMMANDS = frozenset(
    {"township_review", "recommend", "inspect", "reject", "send_back", "open_notice", "award"}
)
ACT_COMMAND = {"review": "township_review", "recommend": "recommend", "inspect": "inspect"}

# command -> (states it may start from, its name in Chinese)
ALLOWED: dict[str, tuple[frozenset[Status], str]] = {
    "self_assess": (frozenset({Status.DRAFT, Status.SELF_ASSESSED, Status.SENT_BACK}), "自评"),
    "submit": (frozenset({Status.SELF_ASSESSED}), "申报"),
    "township_review": (frozenset({Status.SUBMITTED}), "乡镇初审"),
    "recommend": (frozenset({Status.TOWNSHIP_APPROVED}), "推荐"),
    "inspect": (frozenset({Status.RECOMMENDED, Status.COUNTY_EVALUATED}), "县级评定"),
    "reject": (frozenset({Status.RECOMMENDED, Status.COUNTY_EVALUATED}), "县级否决"),
    "send_back": (IN_REVIEW, "退回整改"),
    "open_notice": (frozenset({Status.COUNTY_EVALUATED}), "公示"),
    "object": (frozenset({Status.IN_PUBLIC_NOTICE}), "提出异议"),
    "rule": (frozenset({Status.IN_PUBLIC_NOTICE}), "异议裁定"),
    "award": (frozenset({Status.IN_PUBLIC_NOTICE, Status.COUNTY_EVALUATED}), "授牌"),
    "county_record": (frozenset({Status.AWARDED}), "县级备案"),
    "spot_check": (frozenset({Status.AWARDED}), "抽查"),
    "order_rectification": (frozenset({Status.AWARDED}), "限期整改"),
    "complete_rectification": (frozenset({Status.AWARDED}), "整改完成"),
    "delist": (frozenset({Status.AWARDED}), "摘牌"),
    "record_rectification": (frozenset({Status.REJECTED, Status.DELISTED}), "记录整改"),
}


def active_key(campaign_id: str, entity_id: str) -> str:
    """Held from opening until the rectification after a rejection or delisting is recorded: one
    live, titled or unrectified application per entity and campaign, so a titled entity cannot
    apply again, nor a rejected one before it rectifies, and two openings cannot both win."""
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
    stage: int = 0  # stages of the chain passed since the last submission
    county_recorded: bool = False
    chain: ReviewChain = DEFAULT_CHAIN

    def expect(self, command: str) -> None:
        if command in CHAIN_COMMANDS or command == "county_record":
            allowed = command in self.chain_commands()
        else:
            allowed = self.status in ALLOWED[command][0]
        if not allowed:
            raise IllegalTransition(command, self.status)

    @property
    def acting_stage(self) -> Stage:
        """The stage whose reviewers act now; after the chain, the accepting stage's."""
        return self.chain.stages[self.stage if self.status in IN_REVIEW else -1]

    def stage_for(self, command: str) -> Stage:
        """Whose ``command`` it is: the acting stage while under review; afterwards the stage
        whose act the command is (so a township reviewer who lost a race to a rejection hears
        409, the state, not 403), else the accepting stage."""
        if self.status in IN_REVIEW:
            return self.acting_stage
        acting = (s for s in self.chain.stages if ACT_COMMAND[s.act] == command)
        return next(acting, self.acting_stage)

    @property
    def deciding_command(self) -> str:
        """What passes the accepting stage: the notice (公示) if one is held, else the award."""
        return "open_notice" if self.chain.public_notice else "award"

    def chain_commands(self) -> frozenset[str]:
        """The commands the campaign's review chain allows now."""
        if self.status in IN_REVIEW:
            act = self.acting_stage.act
            commands = {ACT_COMMAND[act], "send_back"} | ({"reject"} if act == "inspect" else set())
            if self.status is Status.COUNTY_EVALUATED:
                commands.add(self.deciding_command)
            return frozenset(commands)
        if self.status is Status.IN_PUBLIC_NOTICE:
            return frozenset({"award"})
        if self.status is Status.AWARDED and self.chain.county_record and not self.county_recorded:
            return frozenset({"county_record"})
        return frozenset()

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
    "rectified": Status.RECTIFIED,
}


def _evolve(s: ApplicationState, name: str, d: dict[str, Any]) -> ApplicationState:
    s = replace(s, status=STATUS_AFTER.get(name, s.status))
    match name:
        case "submitted":
            return replace(s, stage=0)
        case "township_approved" | "recommended":
            return replace(s, stage=s.stage + 1)
        case "county_recorded":
            return replace(s, county_recorded=True)
        case "self_assessed":
            return replace(s, self_total=d["total"], self_vetoes=tuple(d["vetoes_failed"]))
        case "inspection_recorded":
            inspection = Inspection(d["kind"], d["total"], tuple(d["vetoes_failed"]))
            return replace(
                s, inspections=(*s.inspections, inspection), final_score=d["final_score"]
            )
        case "sent_back":  # the next round goes through the chain again, scored afresh
            return replace(s, inspections=(), final_score=None, stage=0)
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
