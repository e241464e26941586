"""Who may do what in reporting, and the lineage a grid or entity is checked against
(the rows of ``wuyi.access_table`` for reporting).

A grid's lineage is the grid, its parent grids, then its entity and the entity's ancestors, so
a scope may name a grid (a grid member's own cell) or any entity above it. Reads are scoped like
writes: reports, cases, completeness and eligibility to the caller's jurisdiction; complaint
texts (which name the caller) to reviewers in scope only.
"""

from __future__ import annotations

from wuyi_core.auth import Principal, Role, require
from wuyi_core.db.port import Row
from wuyi_core.errors import Conflict, InvalidInput, NotFound

from wuyi_reporting.adapters.read_model import ReportingReads

REPORTERS = frozenset(
    {Role.GRID_MEMBER, Role.ENTITY_ADMIN, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN}
)
CASE_REPORTERS = REPORTERS | {Role.COUNTY_EVALUATOR}
REVIEWERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN})
SETTINGS_ADMINS = frozenset({Role.COUNTY_ADMIN})
READERS = frozenset(Role)


async def authorize_county(reads: ReportingReads, who: Principal, roles: frozenset[Role]) -> None:
    """Tenant-wide settings: the token must cover the whole county (a county admin scoped to a
    village may not change them)."""
    county = await reads.county(who.tenant)
    require(who, roles, [county] if county else [])


async def readable_grid(reads: ReportingReads, who: Principal, grid_id: str) -> Row:
    """The grid, once ``who`` may read it: its own grid and those below, or an entity above."""
    grid, lineage = await known_grid(reads, who.tenant, grid_id)
    require(who, READERS, lineage)
    return grid


async def readable_entity(reads: ReportingReads, who: Principal, entity_id: str) -> None:
    """404 for an unknown entity, 403 outside the caller's scope."""
    lineage = await reads.lineage(who.tenant, entity_id)
    if not lineage:
        raise NotFound(f"主体不存在：{entity_id}", f"entity {entity_id} not found")
    require(who, READERS, lineage)


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
