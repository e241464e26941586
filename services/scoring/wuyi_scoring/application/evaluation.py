"""The county's side of an application: inspections (明查 / 暗访), rejection, public notice
(公示) with objections (异议) and rulings, and the award (授牌)."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.scoring import (
    ApplicationRejected,
    InspectionRecorded,
    ObjectionRuled,
    PublicNoticeOpened,
    TitleAwarded,
)
from wuyi_core.auth import Principal
from wuyi_core.errors import Conflict, InvalidInput
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id

from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import COUNTY, acting_on, at_stage
from wuyi_scoring.application.assessing import assessed, check_eligible, check_phase, note
from wuyi_scoring.application.nesting import check_component_share
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.application import ApplicationState
from wuyi_scoring.domain.rules import combine, notice_closes_on


async def inspect(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.RecordInspection
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await at_stage(tx, who, application_id, "inspect")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        await check_phase(tx, who.tenant, campaign, "county_evaluation")
        rubric, _ = await tx.rubric(who.tenant, campaign.rubric_id)
        result, scores = assessed(rubric, cmd.scores)
        totals = [i.total for i in app.inspections] + [result.total]
        event = InspectionRecorded(
            application_id=application_id,
            inspection_id=new_id(),
            kind=cmd.kind,
            scores=scores,
            total=result.total,
            vetoes_failed=list(result.vetoes_failed),
            evidence=cmd.evidence,
            final_score=combine(campaign.inspection_rule, totals),
        )
        await tx.record(who.tenant, app, [NewEvent(event)], EventMetadata.of(who, cid))
    return await application_view(scoring, who.tenant, application_id)


async def reject(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.Reject
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await at_stage(tx, who, application_id, "reject")
        event = ApplicationRejected(application_id=application_id, stage=app.acting_stage.key)
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


async def open_public_notice(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.OpenPublicNotice
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await at_stage(tx, who, application_id, "open_notice")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        _check_passing(app, campaign.pass_mark)
        _check_decision_ref(app, cmd.decision_ref)
        today = await tx.today(who.tenant)
        event = PublicNoticeOpened(
            application_id=application_id,
            opens_on=today,
            closes_on=notice_closes_on(today, campaign.notice_days),
            final_score=app.final_score or 0.0,
            decision_ref=cmd.decision_ref,
        )
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


async def rule_objection(
    scoring: Scoring,
    who: Principal,
    cid: str,
    application_id: str,
    objection_id: str,
    cmd: c.RuleObjection,
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, COUNTY, "rule")
        if objection_id not in app.pending_objections:
            raise Conflict(
                f"没有待裁定的异议：{objection_id}",
                f"objection {objection_id} is not pending on this application",
                "objection_id",
            )
        metadata = EventMetadata.of(who, cid)
        ruled = ObjectionRuled(
            application_id=application_id, objection_id=objection_id, upheld=cmd.upheld
        )
        events = [NewEvent(ruled, note(cmd.note))]
        if cmd.upheld:
            rejected = ApplicationRejected(application_id=application_id, stage="public_notice")
            events.append(NewEvent(rejected, note(cmd.note)))
        await tx.record(who.tenant, app, events, metadata)
    return await application_view(scoring, who.tenant, application_id)


async def award(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.Award
) -> dict[str, Any]:
    """Only after the notice window (or straight after the accepting stage where the campaign
    holds no notice), with no objection pending, a passing score, and the entity still
    eligible with no open case under it (checked under the tenant's append lock)."""
    async with scoring.transaction(who.tenant) as tx:
        app = await at_stage(tx, who, application_id, "award")
        campaign = await tx.campaign(who.tenant, app.campaign_id)
        today = await tx.today(who.tenant)
        if app.deciding_command == "award":
            _check_decision_ref(app, cmd.decision_ref)
        elif app.notice_closes_on is not None and today < app.notice_closes_on:
            raise Conflict(
                f"公示期至 {app.notice_closes_on} 方满，届时方可授牌",
                f"the public notice runs until {app.notice_closes_on}; award from that day",
                "status",
            )
        if app.pending_objections:
            raise Conflict(
                f"尚有 {len(app.pending_objections)} 条异议未裁定",
                f"{len(app.pending_objections)} objection(s) still pending a ruling",
                "objections",
            )
        _check_passing(app, campaign.pass_mark)
        await check_eligible(tx, who.tenant, app.entity_id, campaign.cycle_days)
        if campaign.component is not None:
            await check_component_share(tx, who.tenant, campaign.component, app.entity_id)
        event = TitleAwarded(
            application_id=application_id,
            campaign_id=app.campaign_id,
            batch_id=app.batch_id,
            entity_id=app.entity_id,
            entity_name=app.entity_name,
            award_title=campaign.award_title,
            rubric_id=campaign.rubric_id,
            rubric_version=campaign.rubric_version,
            score=app.final_score or 0.0,
            awarded_on=today,
            decision_ref=cmd.decision_ref,
        )
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)


def _check_decision_ref(app: ApplicationState, decision_ref: str | None) -> None:
    """A collective decision (研究后确定) names its meeting or document beside the actor."""
    if app.chain.collective and not decision_ref:
        raise InvalidInput(
            "本活动由集体研究决定，须注明会议纪要或文件编号",
            "decision_ref: this campaign decides collectively; name the meeting or document",
            "decision_ref",
        )


def _check_passing(app: ApplicationState, pass_mark: float) -> None:
    vetoes = [v for i in app.inspections for v in i.vetoes_failed]
    score = app.final_score or 0.0
    if vetoes or score < pass_mark:
        raise InvalidInput(
            f"县级评定 {score:g} 分，未达到合格线 {pass_mark:g}"
            + (f"；否决项：{', '.join(vetoes)}" if vetoes else ""),
            f"final score {score:g} is below the pass mark {pass_mark:g}"
            + (f" or failed vetoes {', '.join(vetoes)}" if vetoes else ""),
            "final_score",
        )
