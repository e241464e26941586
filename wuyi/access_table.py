"""The access table: for every operation of every service, which roles may call it and how the
caller's jurisdiction scope bounds it (issue #9, "Reads scoped like writes").

This is the one place a newcomer reads who may do what. The services enforce it in their
``application/access.py`` modules; ``tests/access/test_access_table.py`` calls every operation
with every role, in and out of scope and from another tenant, and proves the two agree (and
that no route is missing a row). ``docs/security.md`` renders it: regenerate that section with
``.venv/bin/python -m wuyi.access_table`` after changing a row.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from wuyi_core.auth import Role


class Rule(StrEnum):
    """How the caller's scope bounds an operation."""

    PUBLIC = "public"  # no token needed
    TENANT = "tenant"  # any token of the tenant with one of the roles, whatever its scope
    COUNTY = "county"  # the token must cover the whole county (no scope, or the county's id)
    TARGET = "target"  # the target (entity, grid, or the entity behind it) lies in scope
    ABOVE = "above"  # the target lies strictly below the scope: nobody reviews themselves
    ROWS = "rows"  # each row of the upload is checked; refused rows are reported, not a 403
    FILTERED = "filtered"  # a list: answers 200 with only what lies in scope
    OWN = "own"  # the caller's own things (its mailbox's items); another's are not found


RULE_TEXT = {
    Rule.PUBLIC: "public, no token",
    Rule.TENANT: "tenant-wide",
    Rule.COUNTY: "whole county only",
    Rule.TARGET: "target in scope",
    Rule.ABOVE: "target strictly below scope",
    Rule.ROWS: "each row's target in scope",
    Rule.FILTERED: "filtered to scope",
    Rule.OWN: "the caller's own",
}

ALL = frozenset(Role)
NONE: frozenset[Role] = frozenset()
GA, EA, TR, CE, CA = (
    Role.GRID_MEMBER,
    Role.ENTITY_ADMIN,
    Role.TOWNSHIP_REVIEWER,
    Role.COUNTY_EVALUATOR,
    Role.COUNTY_ADMIN,
)
ROSTER_WRITERS = frozenset({CA, TR, EA})
REVIEWERS = frozenset({TR, CE, CA})
APPLICANTS = frozenset({EA, CA})
APPLICATION_READERS = frozenset({EA, TR, CE, CA})


@dataclass(frozen=True)
class Operation:
    """One row: ``path`` is the route template below ``/<service>``."""

    service: str
    method: str
    path: str
    roles: frozenset[Role]
    rule: Rule
    target: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.service, self.method, self.path)


def _health(service: str) -> list[Operation]:
    return [
        Operation(service, "GET", path, NONE, Rule.PUBLIC, note="counts only, no personal data")
        for path in ("/health", "/ready", "/metrics")
    ]


def _op(
    service: str,
    method: str,
    path: str,
    roles: frozenset[Role],
    rule: Rule,
    target: str = "",
    note: str = "",
) -> Operation:
    return Operation(service, method, path, roles, rule, target, note)


_R, _P, _S, _N = "registry", "reporting", "scoring", "notifier"
_CONTACTS = "contact shown only to roster writers in scope"
_LEADER = "leader shown only to roster writers in scope"
_INSPECTIONS = (
    "inspections (inspector, 明查/暗访, evidence) only to the review chain above the applicant; "
    "the applicant's side sees kind and scores after the result, never inspector or evidence"
)

TABLE: tuple[Operation, ...] = (
    # registry: the roster (工作底册) is the shared map of the county; personal data is not.
    _op(_R, "POST", "/v1/entities", ROSTER_WRITERS, Rule.TARGET, "parent",
        "the county itself: a county admin's token for the whole tenant"),
    _op(_R, "GET", "/v1/entities", ALL, Rule.TENANT, note=_CONTACTS),
    _op(_R, "GET", "/v1/entities/{entity_id}", ALL, Rule.TENANT, note=_CONTACTS),
    _op(_R, "POST", "/v1/entities/{entity_id}/rename", ROSTER_WRITERS, Rule.TARGET, "entity"),
    _op(_R, "POST", "/v1/entities/{entity_id}/move", ROSTER_WRITERS, Rule.TARGET, "entity",
        "and the new parent in scope"),
    _op(_R, "POST", "/v1/entities/{entity_id}/close", ROSTER_WRITERS, Rule.TARGET, "entity"),
    _op(_R, "PUT", "/v1/entities/{entity_id}/contact", ROSTER_WRITERS, Rule.TARGET, "entity"),
    _op(_R, "POST", "/v1/grids", ROSTER_WRITERS, Rule.TARGET, "entity (and parent grid)"),
    _op(_R, "GET", "/v1/grids", ALL, Rule.TENANT, note=_LEADER),
    _op(_R, "GET", "/v1/grids/{grid_id}", ALL, Rule.TENANT, note=_LEADER),
    _op(_R, "POST", "/v1/grids/{grid_id}/rename", ROSTER_WRITERS, Rule.TARGET, "grid's entity"),
    _op(_R, "POST", "/v1/grids/{grid_id}/move", ROSTER_WRITERS, Rule.TARGET, "grid's entity"),
    _op(_R, "POST", "/v1/grids/{grid_id}/close", ROSTER_WRITERS, Rule.TARGET, "grid's entity"),
    _op(_R, "PUT", "/v1/grids/{grid_id}/leader", ROSTER_WRITERS, Rule.TARGET, "grid's entity"),
    _op(_R, "POST", "/v1/imports", ROSTER_WRITERS, Rule.ROWS, "each row's parent"),
    _op(_R, "POST", "/v1/tokens/refresh", ALL, Rule.TENANT,
        note="the caller's own token, revoked as it is exchanged"),
    _op(_R, "POST", "/v1/tokens/{jti}/revoke", frozenset({CA}), Rule.COUNTY,
        note="anyone may revoke their own token (log out)"),
    *_health(_R),
    # reporting
    _op(_P, "GET", "/v1/settings", ALL, Rule.TENANT, note="time zone and deadlines"),
    _op(_P, "PUT", "/v1/settings", frozenset({CA}), Rule.COUNTY,
        note="a county admin scoped below the county is refused"),
    _op(_P, "POST", "/v1/grid-reports", frozenset({GA, EA, TR, CA}), Rule.TARGET, "grid"),
    _op(_P, "GET", "/v1/grid-reports", ALL, Rule.TARGET, "grid",
        "a grid's history; a grid member sees its own grid and those below"),
    _op(_P, "GET", "/v1/grid-reports/rollup", ALL, Rule.TARGET, "grid",
        "a grid member sees its own grid and those below"),
    _op(_P, "GET", "/v1/grid-reports/{grid_id}/{date}", ALL, Rule.TARGET, "grid",
        "a grid member sees its own grid and those below"),
    _op(_P, "POST", "/v1/cases", ALL, Rule.TARGET, "entity, or the grid when given"),
    _op(_P, "GET", "/v1/cases/{case_id}", ALL, Rule.TARGET, "case's entity"),
    _op(_P, "POST", "/v1/cases/{case_id}/lift", REVIEWERS, Rule.TARGET, "case's entity"),
    _op(_P, "POST", "/v1/complaints", REVIEWERS, Rule.TARGET, "entity complained about"),
    _op(_P, "GET", "/v1/complaints", REVIEWERS, Rule.FILTERED, "entity complained about",
        "texts name the caller: reviewers only; an unscoped token lists the county's only for "
        "county roles"),
    _op(_P, "GET", "/v1/complaints/{complaint_id}", REVIEWERS, Rule.TARGET,
        "entity complained about",
        "text names the caller: never to the entity's own admin or grid members"),
    _op(_P, "POST", "/v1/complaints/{complaint_id}/verification", REVIEWERS, Rule.TARGET,
        "entity complained about"),
    _op(_P, "GET", "/v1/eligibility/{entity_id}", ALL, Rule.TARGET, "entity"),
    _op(_P, "GET", "/v1/completeness", ALL, Rule.TARGET, "entity or grid",
        "a grid member sees its own grid and those below"),
    _op(_P, "GET", "/v1/completeness/grids", ALL, Rule.TARGET, "entity",
        "the heat map of grids × days, paged"),
    _op(_P, "GET", "/v1/completeness/townships", frozenset({CE, CA}), Rule.COUNTY,
        note="completeness per township (比学赶超)"),
    _op(_P, "GET", "/v1/events/{event_id}", REVIEWERS, Rule.TARGET, "event's entity or grid",
        "the audit view's link across services; the private part is never shown"),
    *(
        _op(_P, "GET", f"/v1/exports/{name}", REVIEWERS, Rule.TARGET, "entity",
            "the townships at or under the entity, by day")
        for name in ("completeness.xlsx", "weekly-bulletin.pdf")
    ),
    *_health(_P),
    # scoring
    _op(_S, "GET", "/v1/rubrics", ALL, Rule.TENANT, note="published standards"),
    _op(_S, "POST", "/v1/rubrics", frozenset({CA}), Rule.COUNTY),
    _op(_S, "POST", "/v1/campaigns", frozenset({CA}), Rule.COUNTY),
    _op(_S, "GET", "/v1/campaigns/{campaign_id}", ALL, Rule.TENANT,
        note="an official document (文件)"),
    _op(_S, "POST", "/v1/campaigns/{campaign_id}/batches", frozenset({CA}), Rule.COUNTY),
    _op(_S, "GET", "/v1/campaigns/{campaign_id}/batches/{batch_id}/quotas", REVIEWERS,
        Rule.TENANT, note="counts per township, no names of people"),
    _op(_S, "GET", "/v1/quota-status", REVIEWERS, Rule.TARGET, "township",
        "the caller's township by default; counts only, no names"),
    _op(_S, "GET", "/v1/campaigns/{campaign_id}/progress", frozenset({CE, CA}), Rule.COUNTY,
        note="applications by status per day, per township: counts only"),
    _op(_S, "GET", "/v1/public-campaigns", NONE, Rule.PUBLIC,
        note="every campaign with its county, for the public page"),
    _op(_S, "GET", "/v1/honor-list", NONE, Rule.PUBLIC, note="无疫名单"),
    _op(_S, "GET", "/v1/delistings", NONE, Rule.PUBLIC, note="摘牌名单"),
    _op(_S, "GET", "/v1/public-notices", NONE, Rule.PUBLIC, note="公示"),
    _op(_S, "POST", "/v1/applications/{application_id}/objections", NONE, Rule.PUBLIC,
        note="异议: text and contact stay private"),
    _op(_S, "POST", "/v1/applications", APPLICANTS, Rule.TARGET, "entity"),
    _op(_S, "GET", "/v1/applications", APPLICATION_READERS, Rule.FILTERED, "applicant",
        "an unscoped token lists the county's only for county roles"),
    _op(_S, "GET", "/v1/applications/{application_id}", APPLICATION_READERS, Rule.TARGET,
        "applicant", _INSPECTIONS),
    _op(_S, "POST", "/v1/applications/{application_id}/self-assessment", APPLICANTS,
        Rule.TARGET, "applicant"),
    _op(_S, "POST", "/v1/applications/{application_id}/submission", APPLICANTS, Rule.TARGET,
        "applicant"),
    _op(_S, "POST", "/v1/applications/{application_id}/township-review", frozenset({TR}),
        Rule.ABOVE, "applicant", "a township's own application: county evaluators"),
    _op(_S, "POST", "/v1/applications/{application_id}/recommendation", frozenset({TR}),
        Rule.ABOVE, "applicant", "a township's own application: county evaluators"),
    *(
        _op(_S, "POST", f"/v1/applications/{{application_id}}/{step}", frozenset({CE}),
            Rule.TARGET, "applicant")
        for step in ("inspections", "rejection", "public-notice",
                     "objections/{objection_id}/ruling", "award", "spot-checks")
    ),
    _op(_S, "POST", "/v1/applications/{application_id}/send-back", frozenset({TR, CE}),
        Rule.ABOVE, "applicant",
        "the reviewers of the application's current stage in the campaign's review chain"),
    _op(_S, "POST", "/v1/applications/{application_id}/rectification", APPLICANTS,
        Rule.TARGET, "applicant", "after a rejection or delisting"),
    _op(_S, "POST", "/v1/applications/{application_id}/county-record", frozenset({CE}),
        Rule.TARGET, "applicant", "报县备案, where the chain asks for it"),
    _op(_S, "POST", "/v1/applications/{application_id}/objections/rulings", frozenset({CE}),
        Rule.TARGET, "applicant", "many objections at once"),
    _op(_S, "POST", "/v1/applications/{application_id}/rectification-orders",
        frozenset({TR, CE}), Rule.TARGET, "applicant"),
    _op(_S, "POST",
        "/v1/applications/{application_id}/rectification-orders/{order_id}/completion",
        APPLICANTS, Rule.TARGET, "applicant"),
    _op(_S, "POST", "/v1/entities/{entity_id}/delisting", frozenset({CE}), Rule.TARGET,
        "entity"),
    _op(_S, "GET", "/v1/entities/{entity_id}/audit", frozenset({EA, TR, CE, CA}), Rule.TARGET,
        "entity", "inspections shown to the entity's side as in GET application"),
    _op(_S, "GET", "/v1/presets", ALL, Rule.TENANT, note="review-chain presets"),
    _op(_S, "GET", "/v1/campaigns", ALL, Rule.TENANT, note="official documents (文件)"),
    _op(_S, "GET", "/v1/applications/{application_id}/objections", frozenset({CE}),
        Rule.TARGET, "applicant", "异议 texts for the ruling; contacts never leave the log"),
    _op(_S, "POST", "/v1/evidence", APPLICATION_READERS, Rule.TENANT,
        note="a JPEG, PNG or PDF of at most 5 MB; the role is checked before it is read"),
    _op(_S, "GET", "/v1/evidence/{evidence_id}", APPLICATION_READERS, Rule.TENANT,
        note="by its random id, which only the views citing it show; a download, never inline"),
    *(
        _op(_S, "GET", f"/v1/exports/{name}", REVIEWERS, Rule.TENANT,
            note="a download of public content (名单, 公示) for the county office")
        for name in ("honor-list.xlsx", "delistings.xlsx", "public-notice.docx",
                     "public-notice.pdf")
    ),
    _op(_S, "GET", "/v1/public/entities/{entity_id}/history", NONE, Rule.PUBLIC,
        note="notices, awards, delistings; no personal data"),
    *_health(_S),
    # notifier: a mailbox is a role at a scope; targets (webhooks, robots, e-mail) are private
    _op(_N, "GET", "/v1/inbox", ALL, Rule.FILTERED, "mailbox",
        "the caller's role at its scope (unscoped county roles: the tenant's)"),
    _op(_N, "POST", "/v1/inbox/{item_id}/read", ALL, Rule.OWN, "mailbox item",
        "read for the caller only; another mailbox's item is not found"),
    _op(_N, "GET", "/v1/public-feed", NONE, Rule.PUBLIC, note="no personal data"),
    _op(_N, "POST", "/v1/subscriptions", frozenset({CA}), Rule.COUNTY,
        note="targets and secrets never leave the notifier"),
    _op(_N, "GET", "/v1/subscriptions", frozenset({CA}), Rule.COUNTY, note="targets masked"),
    _op(_N, "DELETE", "/v1/subscriptions/{subscription_id}", frozenset({CA}), Rule.COUNTY),
    _op(_N, "GET", "/v1/settings", frozenset({CA, CE}), Rule.COUNTY,
        note="minutes before the deadline for the report-due reminder"),
    _op(_N, "PUT", "/v1/settings", frozenset({CA}), Rule.COUNTY),
    _op(_N, "GET", "/v1/deliveries", frozenset({CA, CE}), Rule.COUNTY,
        note="recipients masked"),
    *_health(_N),
)  # fmt: skip


def by_key() -> dict[tuple[str, str, str], Operation]:
    return {op.key: op for op in TABLE}


def markdown() -> str:
    """The table as docs/security.md shows it."""
    roles = list(Role)
    head = "| service | method | path | " + " | ".join(r.value for r in roles)
    lines = [
        head + " | scope | checked against | notes |",
        "|---|---|---|" + "---|" * len(roles) + "---|---|---|",
    ]
    for op in TABLE:
        marks = " | ".join("✓" if r in op.roles else "" for r in roles)
        path = op.path.replace("|", "\\|")
        lines.append(
            f"| {op.service} | {op.method} | `{path}` | {marks} | {RULE_TEXT[op.rule]}"
            f" | {op.target} | {op.note} |"
        )
    return "\n".join(lines) + "\n"


BEGIN = "<!-- access-table: generated by `python -m wuyi.access_table`; do not edit -->\n"
END = "<!-- end of access-table -->\n"
DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"


def render_into(text: str) -> str:
    """``text`` with the generated section between its markers replaced by the current table."""
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError("docs/security.md lacks the access-table markers")
    return pattern.sub(lambda _: BEGIN + markdown() + END, text)


def main() -> None:
    DOC.write_text(render_into(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")


if __name__ == "__main__":
    main()
