"""Subscriptions (订阅), managed by the county admin."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response
from wuyi_core.http import CurrentPrincipal

from wuyi_notifier.api.deps import NotifierDep
from wuyi_notifier.api.schemas import SubscriptionCreate, SubscriptionCreated, SubscriptionPublic
from wuyi_notifier.application import subscribing

router = APIRouter(tags=["subscriptions"])


@router.post("/subscriptions", status_code=201, response_model=SubscriptionCreated)
async def create(
    notifier: NotifierDep, who: CurrentPrincipal, body: SubscriptionCreate
) -> SubscriptionCreated:
    """Subscribe a target to event types under a scope; the answer holds the signing secret."""
    sub = await subscribing.subscribe(
        notifier, who, body.channel, body.target, body.event_types, body.scope_id, body.secret
    )
    return SubscriptionCreated(**asdict(sub))


@router.get("/subscriptions", response_model=list[SubscriptionPublic])
async def listed(notifier: NotifierDep, who: CurrentPrincipal) -> list[SubscriptionPublic]:
    """The tenant's subscriptions (without their secrets)."""
    return [SubscriptionPublic(**asdict(s)) for s in await subscribing.listed(notifier, who)]


@router.delete("/subscriptions/{subscription_id}", status_code=204)
async def remove(notifier: NotifierDep, who: CurrentPrincipal, subscription_id: str) -> Response:
    """End a subscription; its pending deliveries are given up."""
    await subscribing.unsubscribe(notifier, who, subscription_id)
    return Response(status_code=204)
