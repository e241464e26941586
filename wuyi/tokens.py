"""``wuyi token``: mint a token only for a tenant and a scope the registry knows, and revoke a
token by its id. Both read the registry: the embedded data folder, or the distributed
deployment's registry schema (``WUYI_DATABASE_URL``).

The first token of a new county is minted before its county exists (it is the token that
registers the county): ``--new-tenant`` allows that, for a county admin without scope only.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from wuyi_core.auth import Principal, Role
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.errors import InvalidInput
from wuyi_core.eventstore.records import new_id
from wuyi_core.settings import WuyiSettings
from wuyi_registry.application.token_handlers import revoke_token
from wuyi_registry.bootstrap import Registry, build_registry

from wuyi.datadir import DataDir


@asynccontextmanager
async def registry_of(data: Path | None) -> AsyncIterator[Registry]:
    """The registry of the embedded folder ``data``, or of the distributed deployment."""
    db: AbstractDatabase
    if data is not None:
        db = await SQLiteDatabase.open(DataDir(data).ensure().database("registry"))
    else:
        url = WuyiSettings().database_url
        if not url:
            raise InvalidInput(
                "无法核对租户与管辖范围：请加 --data 目录，或设置 WUYI_DATABASE_URL",
                "cannot check the tenant and scope: pass --data DIR or set WUYI_DATABASE_URL",
            )
        db = await PostgresDatabase.open(url, "registry")
    try:
        yield await build_registry(db)
    finally:
        await db.close()


def check_bootstrap(role: Role, scope: str | None) -> None:
    """``--new-tenant`` mints the token that registers a county: a county admin's, unscoped."""
    if role != Role.COUNTY_ADMIN or scope is not None:
        raise InvalidInput(
            "--new-tenant 只能签发不带 --scope 的县级管理员令牌（用于登记新县）",
            "--new-tenant mints only a county_admin token without --scope (to register the county)",
            "--new-tenant",
        )


async def check_claims(registry: Registry, tenant: str, scope: str | None) -> None:
    """Refuse a tenant without a registered county, and a scope that is no open entity of it."""
    if tenant not in await registry.reads.tenants():
        raise InvalidInput(
            f"租户 {tenant} 不存在（尚未登记县/区）；为新县签发第一个令牌请加 --new-tenant",
            f"tenant {tenant} does not exist (no county registered); for a new county's first"
            " token pass --new-tenant",
            "--tenant",
        )
    if scope is None:
        return
    entity = await registry.reads.entity(tenant, scope)
    if entity is None or entity["closed"]:
        raise InvalidInput(
            f"管辖范围 {scope} 不是租户 {tenant} 在册的主体",
            f"scope {scope} is no registered, open entity of tenant {tenant}",
            "--scope",
        )


async def checked(data: Path | None, tenant: str, role: Role, scope: str | None, new: bool) -> None:
    if new:
        check_bootstrap(role, scope)
        return
    async with registry_of(data) as registry:
        await check_claims(registry, tenant, scope)


async def revoke(data: Path | None, tenant: str, jti: str) -> dict[str, Any]:
    """Record the revocation in the registry, as a county admin of ``tenant`` would."""
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", jti):
        raise InvalidInput("令牌编号（jti）格式不正确", "not a token id (jti)", "jti")
    async with registry_of(data) as registry:
        await check_claims(registry, tenant, None)
        operator = Principal("cli:token-revoke", tenant, Role.COUNTY_ADMIN, None)
        return await revoke_token(registry.store, operator, new_id(), jti)
