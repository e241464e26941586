"""The entity's side and the township's side of an application: open, self-assess, submit,
township review (初审) and recommendation (推荐)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wuyi_contracts.scoring import (
    ApplicationOpened,
    ApplicationRecommended,
    ApplicationRejected,
    ApplicationSubmitted,
    SelfAssessed,
    TownshipApproved,
)
from wuyi_core.auth import Principal
from wuyi_core.errors import Conflict, InvalidInput
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id

from wuyi_scoring.adapters.tx import Tx
from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import (
    APPLICANTS,
    acting_on,
    at_stage,
    authorize,
    known_entity,
)
from wuyi_scoring.application.assessing import assessed, check_eligible, check_phase, note
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.application import active_key
from wuyi_scoring.domain.rectification import check_may_apply


async def open_application(
    scoring: Scoring, who: Principal, cid: str, cmd: c.OpenApplication
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        entity, lineage = await known_entity(tx, who.tenant, cmd.entity_id)
        await authorize(tx, who, APPLICANTS, cmd.entity_id)
        campaign = await tx.campaign(who.tenant, cmd.campaign_id)
        batch = await tx.batch(who.tenant, cmd.campaign_id, cmd.batch_id)
        if entity["kind"] not in campaign.entity_kinds:
            raise InvalidInput(
                f"该活动不含此类主体：{entity['kind']}",
                f"entity_id: kind {entity['kind']} is not in the campaign's scope "
                f"({', '.join(campaign.entity_kinds)})",
                "entity_id",
            )
        if entity["closed_at"]:
            raise Conflict("该主体已撤销", f"entity {cmd.entity_id} is closed", "entity_id")
        today = await tx.today(who.tenant)
        if today < date.fromisoformat(batch["opens_on"]):
            raise Conflict(
                f"该批次 {batch['opens_on']} 起受理申报",
                f"batch {batch['name']} opens for applications on {batch['opens_on']}",
                "batch_id",
            )
        if today > date.fromisoformat(batch["closes_on"]):
            raise Conflict(
                f"该批次已于 {batch['closes_on']} 截止申报",
                f"batch {batch['name']} closed on {batch['closes_on']}",
                "batch_id",
            )
        earlier = await tx.earlier_applications(who.tenant, cmd.campaign_id, cmd.entity_id)
        check_may_apply(cmd.batch_id, earlier)
        township = await _township_of(tx, who.tenant, lineage)
        application_id = new_id()
        event = ApplicationOpened(
            application_id=application_id,
            campaign_id=cmd.campaign_id,
            batch_id=cmd.batch_id,
            entity_id=cmd.entity_id,
            entity_name=entity["name"],
            entity_kind=entity["kind"],
            township_id=township,
        )
        await tx.append(
            who.tenant,
            f"application:{application_id}",
            0,
            [NewEvent(event)],
            EventMetadata.of(who, cid),
            claim=[(active_key(cmd.campaign_id, cmd.entity_id), "entity_id")],
        )
    return await application_view(scoring, who.tenant, application_id)


async def self_assess(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.SelfAssess
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, APPLICANTS, "self_assess")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        await check_phase(tx, who.tenant, campaign, "self_assessment")
        rubric, _ = await tx.rubric(who.tenant, campaign.rubric_id)
        result, scores = assessed(rubric, cmd.scores)
        event = SelfAssessed(
            application_id=application_id,
            scores=scores,
            total=result.total,
            vetoes_failed=list(result.vetoes_failed),
        )
        await tx.record(who.tenant, app, [NewEvent(event)], EventMetadata.of(who, cid))
    return await application_view(scoring, who.tenant, application_id)


async def submit(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.Submit
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, APPLICANTS, "submit")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        await check_phase(tx, who.tenant, campaign, "submission")
        assert app.self_total is not None
        if app.self_vetoes or app.self_total < campaign.application_mark:
            vetoes = f"；否决项未达标：{', '.join(app.self_vetoes)}" if app.self_vetoes else ""
            raise InvalidInput(
                f"自评 {app.self_total:g} 分，"
                f"未达到申报分数线 {campaign.application_mark:g}{vetoes}",
                f"self-assessment {app.self_total:g} is below the application mark "
                f"{campaign.application_mark:g}"
                + (f" or failed vetoes {', '.join(app.self_vetoes)}" if app.self_vetoes else ""),
                "self_assessment",
            )
        as_of = await check_eligible(tx, who.tenant, app.entity_id, campaign.cycle_days)
        event = ApplicationSubmitted(
            application_id=application_id, self_total=app.self_total, eligible_as_of=as_of
        )
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


async def township_review(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.TownshipReview
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await at_stage(tx, who, application_id, "township_review")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        await check_phase(tx, who.tenant, campaign, "township_review")
        approved = cmd.decision == "approve"
        event = (
            TownshipApproved(application_id=application_id)
            if approved
            else ApplicationRejected(application_id=application_id, stage=app.acting_stage.key)
        )
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


async def recommend(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.Recommend
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await at_stage(tx, who, application_id, "recommend")
        event = ApplicationRecommended(application_id=application_id)
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


async def _township_of(tx: Tx, tenant: str, lineage: list[str]) -> str | None:
    for entity_id in lineage:
        entity = await tx.entity(tenant, entity_id)
        if entity is not None and entity["kind"] == "township":
            return entity_id
    return None
