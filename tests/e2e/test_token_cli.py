"""Tokens (issue #9): "`wuyi token` refuses a tenant or scope that does not exist", with a
clear zh-CN + English error and exit 2; the first token of a new county needs --new-tenant.
``wuyi token revoke`` records a revocation as the API does. The check runs on both backends;
the command itself is driven in-process (typer's runner) on an embedded data folder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner
from wuyi_core import revocations
from wuyi_core.auth import Principal, Role
from wuyi_core.errors import InvalidInput
from wuyi_registry.application import commands as c
from wuyi_registry.application.entity_handlers import register_entity
from wuyi_registry.bootstrap import Registry, build_registry

from wuyi.cli import app
from wuyi.tokens import check_claims, registry_of

ADMIN = Principal("admin", "t1", Role.COUNTY_ADMIN, None)


async def county(registry: Registry) -> str:
    body = c.RegisterEntity(name="宁化县", kind="county", parent_id=None)
    return str((await register_entity(registry, ADMIN, "cid", body))["id"])


def wuyi(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def data(tmp_path) -> tuple[Path, str]:
    """An embedded data folder whose registry holds the county of tenant t1."""

    async def seed() -> str:
        async with registry_of(tmp_path) as registry:
            return await county(registry)

    return tmp_path, asyncio.run(seed())


async def test_the_check_refuses_an_unknown_tenant_or_scope_on_both_backends(db):
    registry = await build_registry(db)
    with pytest.raises(InvalidInput) as unknown_tenant:
        await check_claims(registry, "t1", None)
    assert unknown_tenant.value.field == "--tenant"
    county_id = await county(registry)
    await check_claims(registry, "t1", None)
    await check_claims(registry, "t1", county_id)
    with pytest.raises(InvalidInput) as unknown_scope:
        await check_claims(registry, "t1", "no-such-entity")
    assert unknown_scope.value.field == "--scope"
    with pytest.raises(InvalidInput):
        await check_claims(registry, "t2", county_id)  # another county's entity


def test_wuyi_token_refuses_a_tenant_without_a_county(data):
    folder, _ = data
    code, out, err = wuyi(
        "token", "--data", str(folder), "--tenant", "t9", "--role", "county_admin"
    )
    assert code == 2 and out == ""
    assert "租户 t9 不存在" in err and "tenant t9 does not exist" in err


def test_wuyi_token_refuses_a_scope_that_is_no_entity(data):
    folder, county_id = data
    args = ("token", "--data", str(folder), "--tenant", "t1", "--role", "entity_admin")
    code, out, err = wuyi(*args, "--scope", "e-missing")
    assert code == 2 and out == "" and "scope e-missing" in err
    code, out, _ = wuyi(*args, "--scope", county_id)
    assert code == 0 and out.count(".") == 2  # a JWT


def test_the_first_token_of_a_new_county_needs_new_tenant(tmp_path):
    args = ("token", "--data", str(tmp_path), "--tenant", "new", "--role", "county_admin")
    assert wuyi(*args)[0] == 2
    code, out, _ = wuyi(*args, "--new-tenant")
    assert code == 0 and out.count(".") == 2
    scoped = wuyi("token", "--data", str(tmp_path), "--tenant", "new", "--role", "grid_member",
                  "--scope", "g-1", "--new-tenant")  # fmt: skip
    assert scoped[0] == 2 and "--new-tenant" in scoped[2]


def test_wuyi_token_revoke_records_the_revocation(data):
    folder, _ = data
    code, out, _ = wuyi("token", "--data", str(folder), "--tenant", "t1", "--role", "county_admin")
    jti = jwt.decode(out.strip(), options={"verify_signature": False})["jti"]
    code, _, err = wuyi("token", "revoke", jti, "--tenant", "t1", "--data", str(folder))
    assert code == 0, err

    async def revoked() -> bool:
        async with registry_of(folder) as registry:
            return await revocations.is_revoked(registry.store.db, "t1", jti)

    assert asyncio.run(revoked())
    assert wuyi("token", "revoke", jti, "--tenant", "t9", "--data", str(folder))[0] == 2
