"""Tokens (issue #9, "Tokens"): hours, not 30 days; an audience issued and required; claims of
the wrong type are a 401, never a 500 (a list-valued tenant used to answer 500)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from wuyi_core.auth import AUDIENCE, ISSUER, Role, TokenService
from wuyi_core.errors import Unauthorized
from wuyi_registry.api.app import create_app
from wuyi_registry.bootstrap import build_registry

SECRET = "token-test-secret-long-enough-for-hs256"


def forged(**claims: object) -> str:
    now = datetime.now(UTC)
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "jti": "j-1",
        "sub": "x",
        "tenant": "t1",
        "role": "county_admin",
        "iat": now,
        "exp": now + timedelta(hours=1),
    }
    return jwt.encode({**base, **claims}, SECRET, algorithm="HS256")


def test_a_token_lives_hours_and_carries_its_audience_and_id():
    token = TokenService(SECRET).mint("t1", Role.COUNTY_ADMIN, None, "admin")
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience=AUDIENCE)
    assert claims["exp"] - claims["iat"] <= 12 * 3600
    assert claims["jti"] and claims["aud"] == AUDIENCE


def test_the_forged_base_token_itself_is_valid():
    assert TokenService(SECRET).verify(forged()).jti == "j-1"


@pytest.mark.parametrize(
    "claims",
    [
        {"tenant": ["t1", "t2"]},
        {"tenant": {"id": "t1"}},
        {"role": ["county_admin"]},
        {"scope": 7},
        {"sub": None},
        {"aud": "another-system"},
        {"aud": None},
        {"jti": None},
        {"jti": ["j-1"]},
    ],
)
def test_claims_of_the_wrong_type_or_audience_are_refused(claims):
    with pytest.raises(Unauthorized):
        TokenService(SECRET).verify(forged(**claims))


async def test_a_list_valued_tenant_is_401_through_the_api(db):
    tokens = TokenService(SECRET)
    app = create_app(await build_registry(db), tokens)
    headers = {"Authorization": f"Bearer {forged(tenant=['t1', 't2'])}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wuyi.test"
    ) as http:
        response = await http.get("/v1/entities", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
