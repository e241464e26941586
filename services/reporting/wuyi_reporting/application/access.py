"""Who may do what in reporting, and the lineage a grid or entity is checked against.

A grid's lineage is the grid, its parent grids, then its entity and the entity's ancestors, so
a scope may name a grid (a grid member's own cell) or any entity above it.
"""

from __future__ import annotations

from wuyi_core.auth import Role
from wuyi_core.db.port import Row
from wuyi_core.errors import Conflict, InvalidInput

from wuyi_reporting.adapters.read_model import ReportingReads

REPORTERS = frozenset(
    {Role.GRID_MEMBER, Role.ENTITY_ADMIN, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN}
)
CASE_REPORTERS = REPORTERS | {Role.COUNTY_EVALUATOR}
REVIEWERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN})
SETTINGS_ADMINS = frozenset({Role.COUNTY_ADMIN})


async def known_grid(reads: ReportingReads, tenant: str, grid_id: str) -> tuple[Row, list[str]]:
    grid = await reads.grid(tenant, grid_id)
    if grid is None:
        raise InvalidInput(
            f"网格不存在：{grid_id}（刚登记的网格请稍后重试）",
            f"grid_id: no grid {grid_id} (retry shortly if just registered)",
            "grid_id",
        )
    if grid["closed_at"]:
        raise Conflict("该网格已撤销", f"grid {grid_id} is closed", "grid_id")
    lineage = await reads.grid_lineage(tenant, grid_id)
    return grid, lineage + await reads.lineage(tenant, grid["entity_id"])


async def known_entity(reads: ReportingReads, tenant: str, entity_id: str) -> tuple[Row, list[str]]:
    entity = await reads.entity(tenant, entity_id)
    if entity is None:
        raise InvalidInput(
            f"主体不存在：{entity_id}", f"entity_id: no entity {entity_id}", "entity_id"
        )
    return entity, await reads.lineage(tenant, entity_id)
