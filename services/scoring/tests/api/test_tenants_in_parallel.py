"""Scoring serializes its units of work per tenant, not globally (PostgreSQL; SQLite has one
writer): an open unit of work holds up its own tenant's, not another tenant's."""

from __future__ import annotations

import asyncio

from wuyi_scoring.bootstrap import build_scoring

from conftest import drop_schema, open_postgres


async def test_an_open_unit_of_work_holds_up_its_own_tenants_not_another_tenants() -> None:
    db = await open_postgres()
    held, release = asyncio.Event(), asyncio.Event()
    try:
        scoring = await build_scoring(db)

        async def hold_t1() -> None:
            async with scoring.transaction("t1"):
                held.set()
                await release.wait()

        async def unit(tenant: str) -> str:
            async with scoring.transaction(tenant) as tx:
                return tx.tenant

        holding = asyncio.create_task(hold_t1())
        await asyncio.wait_for(held.wait(), 10)
        assert await asyncio.wait_for(unit("t2"), 5) == "t2"
        same_tenant = asyncio.create_task(unit("t1"))
        await asyncio.sleep(0.5)
        assert not same_tenant.done()
        release.set()
        await holding
        assert await asyncio.wait_for(same_tenant, 5) == "t1"
    finally:
        release.set()  # a failed assertion must not leave the transaction open
        await asyncio.sleep(0.1)
        await drop_schema(db)
        await db.close()
