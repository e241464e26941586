"""The default rules (默认通知规则): who is told of which event, by role, with no set-up.

One row per (event type, audience). Recipients are mailboxes, a role at an entity (or grid),
resolved from the registry replica: no person's name, phone or address is needed to tell the
right office, and whoever holds that role and scope reads the inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wuyi_contracts import reporting, scoring
from wuyi_contracts.base import EventData


class Audience(StrEnum):
    """Whom a rule tells, relative to the event's subject."""

    ENTITY_ADMIN = "entity_admin"  # the applicant entity's admin (申报主体管理员)
    REVIEWERS = "reviewers"  # the township's reviewers, or the county's when the township applies
    GRID_LEADER = "grid_leader"  # the leader (网格长) of the grid concerned
    PARENT_GRID_LEADER = "parent_grid_leader"  # the parent grid's leader, after a grace period
    COUNTY = "county"  # the county's evaluators (县级评估)
    PUBLIC = "public"  # public channels: no personal data, ever


@dataclass(frozen=True)
class Rule:
    event: type[EventData]
    audience: Audience
    why: str  # the line of DOMAIN.md "Notifications" the row serves

    @property
    def event_type(self) -> str:
        return self.event.event_type()


RULES: tuple[Rule, ...] = (
    Rule(scoring.TownshipApproved, Audience.ENTITY_ADMIN, "applicant: review results"),
    Rule(scoring.ApplicationRecommended, Audience.ENTITY_ADMIN, "applicant: review results"),
    Rule(scoring.ApplicationRejected, Audience.ENTITY_ADMIN, "applicant: review results"),
    Rule(scoring.ApplicationSentBack, Audience.ENTITY_ADMIN, "applicant: send-back for rework"),
    Rule(scoring.ObjectionRuled, Audience.ENTITY_ADMIN, "applicant: review results"),
    Rule(scoring.RectificationOrdered, Audience.ENTITY_ADMIN, "applicant: rectification"),
    Rule(scoring.TitleAwarded, Audience.ENTITY_ADMIN, "applicant: award"),
    Rule(scoring.TitleDelisted, Audience.ENTITY_ADMIN, "applicant: delisting with reason"),
    Rule(scoring.ApplicationSubmitted, Audience.REVIEWERS, "reviewers: new application"),
    Rule(scoring.ObjectionFiled, Audience.REVIEWERS, "reviewers: objection filed"),
    Rule(scoring.ApplicationRectified, Audience.REVIEWERS, "reviewers: rectification recorded"),
    Rule(reporting.GridReportMissed, Audience.GRID_LEADER, "grid leaders: report overdue"),
    Rule(
        reporting.GridReportMissed,
        Audience.PARENT_GRID_LEADER,
        "grid leaders: their superior after a grace period",
    ),
    Rule(scoring.PublicNoticeOpened, Audience.PUBLIC, "public: public notice opened"),
    Rule(scoring.TitleAwarded, Audience.PUBLIC, "public: honor list changed"),
    Rule(scoring.TitleDelisted, Audience.PUBLIC, "public: honor list changed"),
)


@dataclass(frozen=True)
class Reminder:
    """A message no single event causes: a sweep finds it due on the tenant's calendar."""

    kind: str
    audience: Audience
    why: str

    @property
    def event_type(self) -> str:
        return f"cn.wuyi.notifier.reminder.{self.kind}.v1"


REMINDERS: tuple[Reminder, ...] = (
    Reminder("report_due", Audience.GRID_LEADER, "grid leaders: report due soon"),
    Reminder("phase_deadline", Audience.COUNTY, "county: phase deadline approaching"),
    Reminder("quota_short", Audience.COUNTY, "county: quota not met (batch closing)"),
)

# Audiences told later, by a sweep, rather than when the event arrives.
DEFERRED = frozenset({Audience.PARENT_GRID_LEADER})


def rules_for(event_type: str) -> list[Rule]:
    return [rule for rule in RULES if rule.event_type == event_type]


def has_rules(event_type: str) -> bool:
    return any(rule.event_type == event_type for rule in RULES)


_WHO = {
    Audience.ENTITY_ADMIN: "the applicant entity's admin (`entity_admin` @ entity)",
    Audience.REVIEWERS: "the township's reviewers (`township_reviewer` @ township); for a"
    " township's own application the county's (`county_evaluator`)",
    Audience.GRID_LEADER: "the grid's leader (`grid_member` @ grid)",
    Audience.PARENT_GRID_LEADER: "the parent grid's leader (`grid_member` @ parent grid), after"
    " the grace period, if the report is still missing",
    Audience.COUNTY: "the county's evaluators (`county_evaluator` @ county), by a daily sweep"
    " within the warning days",
    Audience.PUBLIC: "public feed (`public` @ entity): no personal data",
}


def rules_table() -> str:
    """The rules as the Markdown table of docs/notifier.md (a test keeps the two equal)."""
    lines = ["| event type | told | why (DOMAIN.md) |", "|---|---|---|"]
    rows: list[Rule | Reminder] = [*RULES, *REMINDERS]
    for rule in rows:
        who = _WHO[rule.audience]
        if isinstance(rule, Reminder) and rule.audience == Audience.GRID_LEADER:
            who += ", if the grid has not reported, N minutes before its deadline (N per tenant)"
        lines.append(f"| `{rule.event_type}` | {who} | {rule.why} |")
    return "\n".join(lines)
