"""The in-app inbox (站内消息) of the caller, and the public feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from wuyi_core.db.port import Row
from wuyi_core.http import CurrentPrincipal

from wuyi_notifier.api.deps import NotifierDep
from wuyi_notifier.api.schemas import InboxItemPublic
from wuyi_notifier.application import reading

router = APIRouter(tags=["inbox"])
Limit = Annotated[int, Query(ge=1, le=500)]


def _public(row: Row) -> InboxItemPublic:
    return InboxItemPublic(**{**row, "read": row.get("read_at") is not None})


@router.get("/inbox", response_model=list[InboxItemPublic])
async def inbox(
    notifier: NotifierDep, who: CurrentPrincipal, unread: bool = False, limit: Limit = 100
) -> list[InboxItemPublic]:
    """The caller's messages, newest first; ``unread=true`` for the unread only."""
    return [_public(row) for row in await reading.my_inbox(notifier, who, unread, limit)]


@router.post("/inbox/{item_id}/read", response_model=InboxItemPublic)
async def mark_read(notifier: NotifierDep, who: CurrentPrincipal, item_id: str) -> InboxItemPublic:
    """Mark one of the caller's messages read (for the caller only)."""
    return _public(await reading.mark_read(notifier, who, item_id))


@router.get("/public-feed", response_model=list[InboxItemPublic])
async def public_feed(
    notifier: NotifierDep, tenant: Annotated[str, Query(max_length=64)], limit: Limit = 100
) -> list[InboxItemPublic]:
    """Public notices opened and honor-list changes (public: no personal data)."""
    return [_public(row) for row in await reading.public_feed(notifier, tenant, limit)]
