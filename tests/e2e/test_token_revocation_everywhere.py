"""Tokens (issue #9): "Revocation by token id" must reach every service. The registry records
the revocation (TokenRevoked); reporting and scoring learn it through their registry replica,
the same consumer path in both modes (embedded bus over SQLite or PostgreSQL, or Kafka)."""

from __future__ import annotations

import asyncio

import jwt
import pytest
from wuyi_core.auth import Role

from tests.stacks import SECRET, Stack, running_stack

READS = ("/registry/v1/entities", "/reporting/v1/settings", "/scoring/v1/applications")


@pytest.fixture(params=["sqlite", "postgres", "kafka"])
async def stack(request, tmp_path, topic_prefix):
    async with running_stack(request.param, tmp_path, topic_prefix) as running:
        yield running


async def statuses(stack: Stack, headers: dict[str, str]) -> list[int]:
    return [(await stack.http.get(path, headers=headers)).status_code for path in READS]


async def test_a_revoked_token_gets_401_at_every_service(stack):
    token = stack.tokens.mint("t1", Role.COUNTY_EVALUATOR, None, "inspector")
    headers = {"Authorization": f"Bearer {token}"}
    assert await statuses(stack, headers) == [200, 200, 200]
    jti = jwt.decode(token, SECRET, algorithms=["HS256"], audience="wuyi-api")["jti"]
    revoked = await stack.post(f"/registry/v1/tokens/{jti}/revoke", {})
    assert revoked.status_code == 200, revoked.text
    assert (await stack.http.get(READS[0], headers=headers)).status_code == 401  # at once
    async with asyncio.timeout(15):  # the replicas follow the bus
        while await statuses(stack, headers) != [401, 401, 401]:
            await asyncio.sleep(0.05)
    untouched = await statuses(stack, stack.auth("county_evaluator"))
    assert untouched == [200, 200, 200]
