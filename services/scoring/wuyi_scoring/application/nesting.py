"""Nested campaigns (从创建无疫小区，实现无疫乡镇): a township's title rests on the share of its
in-scope entities that hold the component campaign's title."""

from __future__ import annotations

from wuyi_contracts.scoring import Component
from wuyi_core.errors import InvalidInput

from wuyi_scoring.adapters.tx import Tx
from wuyi_scoring.domain.rules import component_share_holds


async def share_of(tx: Tx, tenant: str, component: Component, township_id: str) -> tuple[int, int]:
    """(in-scope entities under the township, how many of them hold the component title)."""
    inner = await tx.campaign(tenant, component.campaign_id)
    in_scope = await tx.subtree_of_kinds(tenant, township_id, inner.entity_kinds)
    titled = await tx.holders(tenant, in_scope, component.campaign_id)
    return len(in_scope), len({row["entity_id"] for row in titled})


async def check_component_share(
    tx: Tx, tenant: str, component: Component, township_id: str
) -> None:
    in_scope, titled = await share_of(tx, tenant, component, township_id)
    if not component_share_holds(component, in_scope, titled):
        raise InvalidInput(
            f"辖区内 {in_scope} 个创建主体中仅 {titled} 个获得称号，"
            f"未达到 {component.min_share:.0%} 的要求",
            f"only {titled} of {in_scope} in-scope entities hold the component title; "
            f"the campaign requires {component.min_share:.0%}",
            "component",
        )
