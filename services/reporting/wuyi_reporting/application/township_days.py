"""Completeness and timeliness by township and day, for the exports (XLSX and the weekly
通报): the townships at or under an entity the caller may read, each with its days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wuyi_core.auth import Principal, Role, require
from wuyi_core.errors import InvalidInput

from wuyi_reporting.application import completeness as views
from wuyi_reporting.application.access import known_entity
from wuyi_reporting.bootstrap import Reporting

EXPORTERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN})


@dataclass(frozen=True)
class TownshipDays:
    township_id: str
    name: str
    result: dict[str, Any]  # as GET /reporting/v1/completeness answers for the township


async def by_township(
    rep: Reporting, who: Principal, entity_id: str, first: date, last: date
) -> tuple[str, list[TownshipDays]]:
    """The entity's name and, per township at or under it, the days from ``first`` to
    ``last``; 422 when no township is there (a village has none)."""
    entity, lineage = await known_entity(rep.reads, who.tenant, entity_id)
    require(who, EXPORTERS, lineage)
    under = set(await rep.reads.subtree(who.tenant, entity_id))
    townships = [t for t in await rep.reads.townships(who.tenant) if t["id"] in under]
    if not townships:
        raise InvalidInput(
            "该主体下没有乡镇（街道），请选择县或乡镇",
            "no township at or under this entity: choose the county or a township",
            "entity_id",
        )
    result = [
        TownshipDays(
            t["id"], t["name"], await views.completeness(rep, who, t["id"], None, first, last)
        )
        for t in sorted(townships, key=lambda t: (t["name"], t["id"]))
    ]
    return str(entity["name"]), result
