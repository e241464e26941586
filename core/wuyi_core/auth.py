"""JWT bearer tokens carrying tenant, role and jurisdiction scope.

A scope is an entity id: the holder may act on that entity and everything under it. Whether an
entity lies under a scope is the jurisdiction tree's business, so services pass that check in.

A token lives ``TOKEN_HOURS`` hours, names its audience (``aud``) and carries an id (``jti``).
Verification requires issuer, audience, expiry, subject and id, and checks every claim's type: a
claim of the wrong shape (a list where the tenant belongs) is a 401, never a 500.

A token may be exchanged for a fresh one (``refreshed``) while its session is younger than
``SESSION_DAYS``: the session starts when the first token is minted (``auth_time``), and every
refreshed token carries that start forward, so refreshing cannot extend a session for ever.
Whether a token was revoked is the services' question (``wuyi_core.revocations``), asked by the
HTTP layer after ``verify``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import jwt
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from wuyi_core.clock import Clock, SystemClock
from wuyi_core.errors import Forbidden, Unauthorized

ISSUER = "wuyi"
AUDIENCE = "wuyi-api"
TOKEN_HOURS = 8
SESSION_DAYS = 7


class Role(StrEnum):
    GRID_MEMBER = "grid_member"
    ENTITY_ADMIN = "entity_admin"
    TOWNSHIP_REVIEWER = "township_reviewer"
    COUNTY_EVALUATOR = "county_evaluator"
    COUNTY_ADMIN = "county_admin"


@dataclass(frozen=True)
class Principal:
    sub: str
    tenant: str
    role: Role
    scope: str | None  # None: the whole tenant (county roles only)
    jti: str | None = None  # set on principals from a token: what revocation names
    expires_at: datetime | None = None
    session_start: datetime | None = None  # the session's first token's issue time
    name: str | None = None  # a display name (OIDC sign-in carries the provider's)


class _Claims(BaseModel):
    """What a verified token must carry, each claim of its own type (no coercion)."""

    model_config = ConfigDict(extra="ignore")

    sub: StrictStr = Field(min_length=1, max_length=200)
    tenant: StrictStr = Field(min_length=1, max_length=64)
    role: Role
    scope: StrictStr | None = Field(default=None, min_length=1, max_length=64)
    jti: StrictStr = Field(min_length=1, max_length=64)
    exp: int
    iat: int | None = None
    auth_time: int | None = None
    name: StrictStr | None = Field(default=None, max_length=200)


class TokenService:
    def __init__(self, secret: str, clock: Clock | None = None) -> None:
        if len(secret) < 32:
            raise ValueError("JWT secret must be at least 32 characters")
        self._secret = secret
        self._clock = clock or SystemClock()

    def mint(
        self,
        tenant: str,
        role: Role,
        scope: str | None,
        sub: str,
        ttl: timedelta = timedelta(hours=TOKEN_HOURS),
        session_start: datetime | None = None,
        name: str | None = None,
    ) -> str:
        now = self._clock.now()
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "jti": str(uuid.uuid4()),
            "sub": sub,
            "tenant": tenant,
            "role": role.value,
            "scope": scope,
            "iat": now,
            "auth_time": int((session_start or now).timestamp()),
            "exp": now + ttl,
            **({"name": name} if name else {}),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def refreshed(self, principal: Principal) -> str:
        """A new token for the same tenant, role, scope and subject, in the same session;
        refused (401) once the session is ``SESSION_DAYS`` old."""
        start = principal.session_start
        if start is None or self._clock.now() - start > timedelta(days=SESSION_DAYS):
            raise Unauthorized(
                f"会话已超过 {SESSION_DAYS} 天，不能续期，请重新签发令牌",
                f"the session is older than {SESSION_DAYS} days and cannot be refreshed;"
                " obtain a new token",
            )
        return self.mint(
            principal.tenant,
            principal.role,
            principal.scope,
            principal.sub,
            session_start=start,
            name=principal.name,
        )

    def verify(self, token: str) -> Principal:
        try:
            claims = _Claims.model_validate(
                jwt.decode(
                    token,
                    self._secret,
                    algorithms=["HS256"],
                    issuer=ISSUER,
                    audience=AUDIENCE,
                    options={"require": ["exp", "sub", "iss", "aud", "jti"]},
                )
            )
            return Principal(
                claims.sub,
                claims.tenant,
                claims.role,
                claims.scope,
                claims.jti,
                _time(claims.exp),
                _time(claims.auth_time if claims.auth_time is not None else claims.iat),
                claims.name,
            )
        except (jwt.PyJWTError, ValidationError) as err:
            raise Unauthorized(
                "登录凭证无效或已过期，请重新获取令牌", f"invalid or expired token: {err}"
            ) from err


def _time(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def in_scope(principal: Principal, lineage: Sequence[str]) -> bool:
    """``lineage``: the target's id followed by its ancestors' ids (entities, or grids then
    entities). A token without scope covers its whole tenant, for county roles only."""
    if principal.scope is None:
        return principal.role in (Role.COUNTY_ADMIN, Role.COUNTY_EVALUATOR)
    return principal.scope in lineage


def require(principal: Principal, roles: Collection[Role], lineage: Sequence[str]) -> None:
    """Refuse (403) unless the principal has one of ``roles`` and the target is in its scope."""
    require_role(principal, roles)
    if not in_scope(principal, lineage):
        raise Forbidden("目标不在您的管辖范围内", "the target is outside your jurisdiction scope")


def require_role(principal: Principal, roles: Collection[Role]) -> None:
    """Refuse (403) unless the principal has one of ``roles`` (lists then filter to scope)."""
    if principal.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise Forbidden(
            f"角色 {principal.role.value} 无权执行此操作（允许：{allowed}）",
            f"role {principal.role.value} may not do this (allowed: {allowed})",
        )
