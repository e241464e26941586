"""The caller's inbox and the public feed."""

from __future__ import annotations

from wuyi_core.auth import Principal
from wuyi_core.db.port import Row
from wuyi_core.errors import NotFound

from wuyi_notifier.adapters import inbox
from wuyi_notifier.bootstrap import Notifier


async def my_inbox(notifier: Notifier, who: Principal, unread_only: bool, limit: int) -> list[Row]:
    """Items of the caller's mailbox: its role at its scope (or, unscoped, the tenant)."""
    async with notifier.db.read() as conn:
        return await inbox.items(
            conn, who.tenant, who.role.value, who.scope, who.sub, unread_only, limit
        )


async def mark_read(notifier: Notifier, who: Principal, item_id: str) -> Row:
    async with notifier.db.transaction() as conn:
        item = await inbox.item(conn, who.tenant, who.role.value, who.scope, item_id)
        if item is None:
            raise NotFound(f"消息不存在：{item_id}", f"no inbox item {item_id}", "item_id")
        await inbox.mark_read(conn, item_id, who.sub, notifier.clock.now())
    return {**item, "read_at": notifier.clock.now().isoformat()}


async def public_feed(notifier: Notifier, tenant: str, limit: int) -> list[Row]:
    async with notifier.db.read() as conn:
        return [{**row, "read_at": None} for row in await inbox.public_items(conn, tenant, limit)]
