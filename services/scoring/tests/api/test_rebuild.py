"""Rebuilt == live for scoring's projections, over random valid histories (hypothesis), and the
rebuild through the CLI's code path from the log and from the topic."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wuyi_contracts import scoring as ev
from wuyi_core.clock import SettableClock
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_scoring.bootstrap import Scoring, build_scoring
from wuyi_scoring.domain.application import Status

from tests.stacks import at

ENTITIES = 4
WHO = EventMetadata(actor="prop", role="county_evaluator", correlation_id="c")
# For each status, the next event of a valid history (one path through the lifecycle); from
# in_public_notice and awarded a history may also branch (rejection, delisting).
Step = tuple[str, int]
steps = st.lists(st.tuples(st.integers(0, ENTITIES - 1), st.integers(0, 3)), max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=steps)
async def test_rebuilt_projections_equal_the_live_ones_for_any_valid_history(history):
    with tempfile.TemporaryDirectory() as tmp:
        db = await SQLiteDatabase.open(Path(tmp) / "scoring.db")
        try:
            scoring = await build_scoring(db, SettableClock(at(9)))
            await _launch(scoring)
            await _play(scoring, history)
            live = await _dump(scoring)
            for projector in scoring.projectors.values():
                await projector.rebuild()
            assert await _dump(scoring) == live
        finally:
            await db.close()


async def _launch(scoring: Scoring) -> None:
    campaign = ev.CampaignLaunched(
        campaign_id="camp",
        title="无疫小区",
        doc_number="X〔2022〕1号",
        issuer="县",
        award_title="无疫小区",
        entity_kinds=["compound"],
        rubric_id="seed-003-compound-v1",
        rubric_version=1,
        application_mark=60,
        pass_mark=90,
        cycle_days=14,
        notice_days=5,
        inspection_rule="mean",
        phases=[],
        quotas=ev.Quotas(),
        delisting=ev.DelistingRules(),
    )
    batch = ev.BatchOpened(
        campaign_id="camp",
        batch_id="b1",
        name="首批",
        opens_on=at(9).date(),
        closes_on=at(9).date(),
    )
    await scoring.store.append("t1", "campaign:camp", 0, [NewEvent(campaign), NewEvent(batch)], WHO)


async def _play(scoring: Scoring, history: list[Step]) -> None:
    current: dict[int, tuple[str, Status, int]] = {}
    serial = 0
    for entity, choice in history:
        app_id, status, version = current.get(entity, ("", Status.REJECTED, 0))
        if status in (Status.REJECTED, Status.DELISTED):
            serial += 1
            app_id, version = f"app{serial}", 0
        event, status = _next(app_id, entity, status, choice)
        await scoring.store.append("t1", f"application:{app_id}", version, [event], WHO)
        current[entity] = (app_id, status, version + 1)
        if choice == 0:  # the live projections catch up at random points, as followers do
            await scoring.catch_up()
    await scoring.catch_up()


def _next(app_id: str, entity: int, status: Status, choice: int) -> tuple[NewEvent, Status]:
    a: dict[str, Any] = {"application_id": app_id}
    day = at(9).date()
    match status:
        case Status.REJECTED | Status.DELISTED:
            data: ev.EventData = ev.ApplicationOpened(
                **a,
                campaign_id="camp",
                batch_id="b1",
                entity_id=f"e{entity}",
                entity_name=f"小区{entity}",
                entity_kind="compound",
                township_id="t",
            )
            return NewEvent(data), Status.DRAFT
        case Status.DRAFT:
            return NewEvent(ev.SelfAssessed(**a, scores={}, total=95, vetoes_failed=[])), (
                Status.SELF_ASSESSED
            )
        case Status.SELF_ASSESSED:
            return NewEvent(ev.ApplicationSubmitted(**a, self_total=95, eligible_as_of=day)), (
                Status.SUBMITTED
            )
        case Status.SUBMITTED:
            if choice == 3:
                return NewEvent(ev.ApplicationRejected(**a, stage="township_review")), (
                    Status.REJECTED
                )
            return NewEvent(ev.TownshipApproved(**a)), Status.TOWNSHIP_APPROVED
        case Status.TOWNSHIP_APPROVED:
            return NewEvent(ev.ApplicationRecommended(**a)), Status.RECOMMENDED
        case Status.RECOMMENDED:
            return _inspection(a, choice), Status.COUNTY_EVALUATED
        case Status.COUNTY_EVALUATED if choice < 2:  # one more inspector
            return _inspection(a, choice), Status.COUNTY_EVALUATED
        case Status.COUNTY_EVALUATED:
            notice = ev.PublicNoticeOpened(**a, opens_on=day, closes_on=day, final_score=92)
            return NewEvent(notice), Status.IN_PUBLIC_NOTICE
        case Status.IN_PUBLIC_NOTICE:
            if choice == 3:
                return NewEvent(ev.ApplicationRejected(**a, stage="public_notice")), (
                    Status.REJECTED
                )
            awarded = ev.TitleAwarded(
                **a,
                campaign_id="camp",
                batch_id="b1",
                entity_id=f"e{entity}",
                entity_name=f"小区{entity}",
                award_title="无疫小区",
                rubric_id="seed-003-compound-v1",
                rubric_version=1,
                score=92,
                awarded_on=day,
            )
            return NewEvent(awarded), Status.AWARDED
        case _:
            reason = ("case", "complaints", "spot_check", "fraud")[choice]
            delisted = ev.TitleDelisted(
                **a,
                campaign_id="camp",
                entity_id=f"e{entity}",
                entity_name=f"小区{entity}",
                reason=reason,
                cause_event_id=None,
                cause_type=None,
                delisted_on=day,
                fraud=reason == "fraud",
            )
            return NewEvent(delisted), Status.DELISTED


def _inspection(a: dict[str, Any], choice: int) -> NewEvent:
    return NewEvent(
        ev.InspectionRecorded(
            **a,
            inspection_id=f"{a['application_id']}-{choice}",
            kind="open",
            scores={},
            total=90 + choice,
            vetoes_failed=[],
            evidence=[],
            final_score=90 + choice,
        )
    )


async def _dump(scoring: Scoring) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    async with scoring.store.db.read() as conn:
        for projector in scoring.projectors.values():
            for logical, physical in (await projector.tables(conn)).items():
                rows = await conn.fetch(f"SELECT * FROM {physical}")
                key = f"{projector.projection.name}.{logical}"
                tables[key] = sorted(rows, key=lambda r: sorted(map(str, r.values())))
    return tables
