"""The delivery log (投递记录)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from wuyi_core.http import CurrentPrincipal

from wuyi_notifier.api.deps import NotifierDep
from wuyi_notifier.api.schemas import DeliveryPublic
from wuyi_notifier.application.delivery_log import delivery_log

router = APIRouter(tags=["deliveries"])


@router.get("/deliveries", response_model=list[DeliveryPublic])
async def deliveries(
    notifier: NotifierDep,
    who: CurrentPrincipal,
    subscription_id: str | None = None,
    status: Literal["pending", "delivered", "dead"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryPublic]:
    """Every delivery with its attempts (channel, masked recipient, status, latency, error)."""
    rows = await delivery_log(notifier, who, subscription_id, status, limit)
    return [DeliveryPublic(**row) for row in rows]
