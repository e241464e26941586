"""Tokens (issue #9): "Lifetime in hours, not 30 days, with a refresh path" and "Revocation by
token id", at the registry, which records revocations (TokenRevoked)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from wuyi_core.auth import SESSION_DAYS, Role, TokenService
from wuyi_core.errors import Unauthorized

from ..conftest import SECRET


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(token: str) -> dict:
    return jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_aud": False})


async def test_refresh_gives_the_same_tenant_role_and_scope_and_revokes_the_old_token(api):
    old = api.tokens.mint("t1", Role.ENTITY_ADMIN, "e-1", "alice")
    response = await api.http.post("/registry/v1/tokens/refresh", headers=bearer(old))
    assert response.status_code == 200, response.text
    new = response.json()["token"]
    fresh, before = claims(new), claims(old)
    for claim in ("tenant", "role", "scope", "sub", "auth_time"):
        assert fresh[claim] == before[claim]
    assert fresh["jti"] != before["jti"]
    assert (await api.http.get("/registry/v1/entities", headers=bearer(new))).status_code == 200
    refused = await api.http.get("/registry/v1/entities", headers=bearer(old))
    assert refused.status_code == 401
    assert refused.json()["error"]["message_zh"].startswith("登录凭证已被吊销")


async def test_a_token_refreshes_once(api):
    old = api.tokens.mint("t1", Role.COUNTY_ADMIN, None, "admin")
    first = await api.http.post("/registry/v1/tokens/refresh", headers=bearer(old))
    assert first.status_code == 200
    again = await api.http.post("/registry/v1/tokens/refresh", headers=bearer(old))
    assert again.status_code == 401


def test_refresh_is_refused_once_the_session_is_older_than_its_maximum_age():
    tokens = TokenService(SECRET)
    old_session = tokens.mint("t1", Role.COUNTY_ADMIN, None, "a", session_start=days_ago(8))
    with pytest.raises(Unauthorized):
        tokens.refreshed(tokens.verify(old_session))
    young = tokens.verify(
        tokens.mint("t1", Role.COUNTY_ADMIN, None, "a", session_start=days_ago(1))
    )
    assert tokens.verify(tokens.refreshed(young)).session_start == young.session_start


def days_ago(days: int) -> datetime:
    assert days != SESSION_DAYS
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)


async def test_a_county_admin_revokes_a_token_by_its_id(api):
    victim = api.tokens.mint("t1", Role.GRID_MEMBER, "g-1", "lost-phone")
    jti = claims(victim)["jti"]
    response = await api.http.post(f"/registry/v1/tokens/{jti}/revoke", headers=api.auth())
    assert response.status_code == 200, response.text
    assert (await api.http.get("/registry/v1/entities", headers=bearer(victim))).status_code == 401
    again = await api.http.post(f"/registry/v1/tokens/{jti}/revoke", headers=api.auth())
    assert again.status_code == 200  # revoking twice is revoking once


async def test_only_a_county_admin_revokes_another_s_token_but_anyone_their_own(api):
    other = claims(api.tokens.mint("t1", Role.GRID_MEMBER, "g-1", "other"))["jti"]
    mine = api.tokens.mint("t1", Role.GRID_MEMBER, "g-2", "me")
    refused = await api.http.post(f"/registry/v1/tokens/{other}/revoke", headers=bearer(mine))
    assert refused.status_code == 403
    own = await api.http.post(
        f"/registry/v1/tokens/{claims(mine)['jti']}/revoke", headers=bearer(mine)
    )
    assert own.status_code == 200
    assert (await api.http.get("/registry/v1/entities", headers=bearer(mine))).status_code == 401


async def test_a_revocation_holds_in_its_own_county_only(api):
    """The revocation is recorded under the revoker's tenant: a county admin cannot revoke
    another county's tokens, even knowing their id."""
    foreign = api.tokens.mint("t2", Role.COUNTY_ADMIN, None, "other-county")
    jti = claims(foreign)["jti"]
    assert (
        await api.http.post(f"/registry/v1/tokens/{jti}/revoke", headers=api.auth())
    ).status_code == 200
    assert (await api.http.get("/registry/v1/entities", headers=bearer(foreign))).status_code == 200
