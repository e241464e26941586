"""The registry serializes its units of work per tenant, not globally (PostgreSQL; SQLite has
one writer): one county's open roster chunk holds up its own writes, not another county's."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from wuyi_core.auth import Role, TokenService
from wuyi_registry.api.app import create_app
from wuyi_registry.bootstrap import build_registry

from conftest import drop_schema, open_postgres

SECRET = "test-secret-that-is-long-enough-for-hs256-signing"


async def test_an_open_unit_of_work_holds_up_its_own_tenants_writes_not_another_tenants() -> None:
    db = await open_postgres()
    held, release = asyncio.Event(), asyncio.Event()
    try:
        registry = await build_registry(db)
        tokens = TokenService(SECRET)
        root = FastAPI()
        root.mount("/registry", create_app(registry, tokens))
        transport = httpx.ASGITransport(app=root)
        async with httpx.AsyncClient(transport=transport, base_url="http://wuyi.test") as http:

            async def county(tenant: str) -> httpx.Response:
                token = tokens.mint(tenant, Role("county_admin"), None, "tester")
                return await http.post(
                    "/registry/v1/entities",
                    json={"name": "宁化县", "kind": "county"},
                    headers={"Authorization": f"Bearer {token}"},
                )

            async def hold_t1() -> None:  # as a roster import's chunk, mid-transaction
                async with db.transaction() as conn:
                    await registry.within(conn, "t1")
                    held.set()
                    await release.wait()

            holding = asyncio.create_task(hold_t1())
            await asyncio.wait_for(held.wait(), 10)
            assert (await asyncio.wait_for(county("t2"), 5)).status_code == 201
            same_tenant = asyncio.create_task(county("t1"))
            await asyncio.sleep(0.5)
            assert not same_tenant.done()
            release.set()
            await holding
            assert (await asyncio.wait_for(same_tenant, 5)).status_code == 201
    finally:
        release.set()  # a failed assertion must not leave the transaction open
        await asyncio.sleep(0.1)
        await drop_schema(db)
        await db.close()
