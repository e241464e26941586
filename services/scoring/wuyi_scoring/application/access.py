"""Who may do what in scoring (DOMAIN.md, "Actors"; the rows of ``wuyi.access_table`` for
scoring), checked against the entity's lineage in scoring's registry replica."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from wuyi_core import registry_replica
from wuyi_core.auth import Principal, Role, in_scope, require
from wuyi_core.db.port import Row
from wuyi_core.errors import Forbidden, InvalidInput

from wuyi_scoring.adapters.tx import Tx
from wuyi_scoring.domain.application import ApplicationState

ADMINS = frozenset({Role.COUNTY_ADMIN})
APPLICANTS = frozenset({Role.ENTITY_ADMIN, Role.COUNTY_ADMIN})
TOWNSHIP = frozenset({Role.TOWNSHIP_REVIEWER})
COUNTY = frozenset({Role.COUNTY_EVALUATOR})
ORDERERS = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_EVALUATOR})
UNIT = frozenset({Role.ENTITY_ADMIN, Role.TOWNSHIP_REVIEWER})
READERS = frozenset(
    {Role.ENTITY_ADMIN, Role.TOWNSHIP_REVIEWER, Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN}
)
REVIEW_CHAIN = frozenset({Role.TOWNSHIP_REVIEWER, Role.COUNTY_EVALUATOR, Role.COUNTY_ADMIN})


async def known_entity(tx: Tx, tenant: str, entity_id: str) -> tuple[Row, list[str]]:
    entity = await tx.entity(tenant, entity_id)
    if entity is None:
        raise InvalidInput(
            f"主体不存在：{entity_id}（刚登记的主体请稍后重试）",
            f"entity_id: no entity {entity_id} (retry shortly if just registered)",
            "entity_id",
        )
    return entity, await tx.lineage(tenant, entity_id)


async def authorize(tx: Tx, who: Principal, roles: Collection[Role], entity_id: str) -> None:
    """Refuse (403) unless ``who`` has one of ``roles`` over ``entity_id``."""
    _, lineage = await known_entity(tx, who.tenant, entity_id)
    require(who, roles, lineage)


async def acting_on(
    tx: Tx, who: Principal, application_id: str, roles: Collection[Role], command: str
) -> ApplicationState:
    """The application, once ``who`` may act on it with one of ``roles`` and its state allows
    ``command`` (403, then 409 naming the state)."""
    app = await tx.application(who.tenant, application_id)
    await authorize(tx, who, roles, app.entity_id)
    app.expect(command)
    return app


async def at_stage(tx: Tx, who: Principal, application_id: str, command: str) -> ApplicationState:
    """The application, once ``who`` may act at its stage of the campaign's review chain (after
    the chain: the accepting stage) and the chain allows ``command`` now (403, then 409)."""
    app = await tx.application(who.tenant, application_id)
    entity, lineage = await known_entity(tx, who.tenant, app.entity_id)
    level = app.stage_for(command).level
    if level == "county":
        require(who, COUNTY, lineage)
    elif who.scope == app.entity_id:
        raise Forbidden("不能审核本单位自己的申报", "nobody reviews their own application")
    elif level == "unit":
        require(who, UNIT, lineage[1:])  # the organisation above, never the applicant
    else:  # township: a township's own application (无疫乡镇) goes a level up, to the county
        require(who, COUNTY if entity["kind"] == "township" else TOWNSHIP, lineage[1:])
    app.expect(command)
    return app


def above(who: Principal, lineage: Sequence[str]) -> bool:
    """``who`` reviews the entity of ``lineage``: a reviewing role scoped strictly above it, or
    a county role for the whole tenant."""
    return who.role in REVIEW_CHAIN and in_scope(who, lineage[1:])


async def in_review_chain(tx: Tx, who: Principal, entity_id: str) -> bool:
    """Whether ``who`` sees the county's inspections of the entity (``domain/disclosure.py``)."""
    return above(who, await tx.lineage(who.tenant, entity_id))


async def authorize_county(tx: Tx, who: Principal, roles: Collection[Role]) -> None:
    """County-wide acts (rubrics, campaigns, batches): the token must cover the whole county."""
    county = await registry_replica.county(tx.conn, who.tenant)
    require(who, roles, [county] if county else [])
