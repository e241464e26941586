"""From a verified ID token's claims to who signs in: tenant, Wuyi role, jurisdiction scope.

The mapping (docs/oidc.md):
- tenant: the ``tenant_claim`` (a string), else ``default_tenant``; neither: refused.
- role: the ``role_claim``, a string or a list of strings. Each value is looked up in
  ``role_map``; with an empty map a value that is a Wuyi role's name is that role. Values that
  map to nothing are ignored (providers add roles of their own); none mapping, or two mapping
  to different Wuyi roles, is refused: we never guess a person's powers.
- scope: the ``scope_claim`` (an entity or grid id); roles other than the county's need one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wuyi_core.auth import Role
from wuyi_core.errors import Forbidden

from wuyi_dashboard.oidc.config import OidcConfig

COUNTY_ROLES = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_EVALUATOR})


@dataclass(frozen=True)
class Mapped:
    subject: str
    name: str
    tenant: str
    role: Role
    scope: str | None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def map_claims(claims: Mapping[str, Any], config: OidcConfig) -> Mapped:
    tenant = _text(claims.get(config.tenant_claim)) or config.default_tenant
    if tenant is None:
        raise Forbidden(
            f"统一身份认证未提供部署单位（声明 {config.tenant_claim}），无法登录",
            f"the identity provider sent no tenant (claim {config.tenant_claim})",
            config.tenant_claim,
        )
    raw = claims.get(config.role_claim)
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    known = {r.value: r for r in Role} if not config.role_map else config.role_map
    roles = {known[v] for v in values if isinstance(v, str) and v in known}
    if not roles:
        raise Forbidden(
            f"统一身份认证账号没有本系统的角色（声明 {config.role_claim}），请联系管理员授权",
            f"the identity provider's account has no Wuyi role (claim {config.role_claim})",
            config.role_claim,
        )
    if len(roles) > 1:
        names = ", ".join(sorted(r.value for r in roles))
        raise Forbidden(
            f"统一身份认证账号对应多个角色（{names}），请联系管理员只保留一个",
            f"the identity provider's account maps to several Wuyi roles ({names})",
            config.role_claim,
        )
    [role] = roles
    scope = _text(claims.get(config.scope_claim))
    if scope is None and role not in COUNTY_ROLES:
        raise Forbidden(
            f"统一身份认证未提供管辖范围（声明 {config.scope_claim}），该角色必须有管辖范围",
            f"the identity provider sent no scope (claim {config.scope_claim}) for role"
            f" {role.value}",
            config.scope_claim,
        )
    subject = str(claims["sub"])
    name = _text(claims.get("name")) or _text(claims.get(config.username_claim)) or subject
    return Mapped(subject, name, tenant, role, scope)
