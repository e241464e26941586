"""Who may write what in the registry: by tenant, role and jurisdiction scope (the rows of
``wuyi.access_table`` for the registry).

County admins, township reviewers and entity admins maintain the roster (工作底册) within their
scope; every role of the tenant reads it (it is the county's shared map), but contacts and grid
leaders only those who may maintain them. The tenant root (the county) is a county admin's
alone, with a token for the whole tenant.
"""

from __future__ import annotations

from collections.abc import Sequence

from wuyi_core.auth import Principal, Role, in_scope, require
from wuyi_core.errors import Forbidden

WRITERS = frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_REVIEWER, Role.ENTITY_ADMIN})


def authorize_write(principal: Principal, lineage: Sequence[str]) -> None:
    require(principal, WRITERS, lineage)


def authorize_roster_writer(principal: Principal) -> None:
    """The role check alone, before anything of an upload is read; each row then passes
    ``authorize_write`` for its own place in the tree."""
    if principal.role not in WRITERS:
        allowed = ", ".join(sorted(r.value for r in WRITERS))
        raise Forbidden(
            f"角色 {principal.role.value} 无权导入工作底册（允许：{allowed}）",
            f"role {principal.role.value} may not import rosters (allowed: {allowed})",
        )


def authorize_root(principal: Principal) -> None:
    """The county itself: a county admin's token for the whole tenant, never one scoped below."""
    if principal.role != Role.COUNTY_ADMIN or principal.scope is not None:
        raise Forbidden(
            "只有县级管理员可以登记县/区", "only a county admin may register the county"
        )


def may_see_contacts(principal: Principal, lineage: Sequence[str]) -> bool:
    return principal.role in WRITERS and in_scope(principal, lineage)
