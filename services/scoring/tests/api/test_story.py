"""Issue 4's acceptance story, told identically in both modes: embedded (SQLite, the logs as the
bus) and distributed (PostgreSQL, every service's log relayed through a real Kafka).

A county launches a 无疫小区 campaign on seed 003's rubric. Four compounds self-assess and apply;
the township rejects one and recommends three; the county inspects them (明查 and 暗访); the
public notice draws one objection that is upheld and one that is dismissed; two compounds are
awarded; then a case is reported in one of them and it is delisted at once. The honor list, the
delisting list and the audit timeline show exactly that.
"""

from __future__ import annotations

import asyncio

import pytest
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.bus.topic_history import topic_history

from tests.stacks import running_stack

from ..conftest import build_county, day, launch, rubric, scores


@pytest.fixture(params=["sqlite", "kafka"])
async def story(request, tmp_path, topic_prefix):
    async with running_stack(request.param, tmp_path, topic_prefix) as stack:
        yield stack


async def test_one_county_batch_from_campaign_to_a_delisting_by_case(story):
    stack = story
    county = await build_county(stack, compounds=4)
    a, b, c, d = county["compounds"]
    campaign = await launch(stack)
    seed = await rubric(stack)
    apps = {}
    for entity in (a, b, c, d):
        admin = {"role": "entity_admin", "scope": entity}
        app = await stack.post(
            "/scoring/v1/applications",
            {"campaign_id": campaign["id"], "batch_id": campaign["batch_id"], "entity_id": entity},
            **admin,
        )
        assert app.status_code == 201, app.text
        apps[entity] = app.json()["id"]
        path = f"/scoring/v1/applications/{apps[entity]}"
        assessed = await stack.post(f"{path}/self-assessment", {"scores": scores(seed, 2)}, **admin)
        assert assessed.json()["self_assessment"]["total"] == 98
        submitted = await stack.post(f"{path}/submission", {}, **admin)
        assert submitted.status_code == 200, submitted.text

    township = {"role": "township_reviewer", "scope": county["town"]}
    rejected = await stack.post(
        f"/scoring/v1/applications/{apps[d]}/township-review",
        {"decision": "reject", "note": "台账不全，请整改"},
        **township,
    )
    assert rejected.json()["status"] == "rejected"
    for entity in (a, b, c):
        path = f"/scoring/v1/applications/{apps[entity]}"
        approved = await stack.post(f"{path}/township-review", {"decision": "approve"}, **township)
        assert approved.json()["status"] == "township_approved"
        assert (await stack.post(f"{path}/recommendation", {}, **township)).status_code == 200

    evaluator = {"role": "county_evaluator"}
    for entity, kind, short in (
        (a, "open", 4),
        (a, "unannounced", 2),
        (b, "open", 0),
        (c, "open", 1),
    ):
        inspected = await stack.post(
            f"/scoring/v1/applications/{apps[entity]}/inspections",
            {"kind": kind, "scores": scores(seed, short), "evidence": [f"photo-{entity}.jpg"]},
            **evaluator,
        )
        assert inspected.status_code == 201, inspected.text
    assert (await stack.get(f"/scoring/v1/applications/{apps[a]}")).json()["final_score"] == 97
    for entity in (a, b, c):
        notice = await stack.post(
            f"/scoring/v1/applications/{apps[entity]}/public-notice", {}, **evaluator
        )
        assert notice.json()["public_notice"]["closes_on"] == str(day(5))

    notices = await stack.http.get(f"/scoring/v1/public-notices?campaign_id={campaign['id']}")
    assert {n["entity_id"] for n in notices.json()["notices"]} == {a, b, c}
    dismissed = await stack.http.post(
        f"/scoring/v1/applications/{apps[a]}/objections", json={"text": "小区门岗夜间无人值守"}
    )
    upheld = await stack.http.post(
        f"/scoring/v1/applications/{apps[b]}/objections",
        json={"text": "该小区上周有外来人员未登记", "contact": "139****0000"},
    )
    assert dismissed.status_code == upheld.status_code == 201
    await stack.post(
        f"/scoring/v1/applications/{apps[a]}/objections/{dismissed.json()['id']}/ruling",
        {"upheld": False, "note": "经核实门岗24小时值守"},
        **evaluator,
    )
    ruled = await stack.post(
        f"/scoring/v1/applications/{apps[b]}/objections/{upheld.json()['id']}/ruling",
        {"upheld": True, "note": "情况属实"},
        **evaluator,
    )
    assert ruled.json()["status"] == "rejected"

    early = await stack.post(f"/scoring/v1/applications/{apps[a]}/award", {}, **evaluator)
    assert early.status_code == 409, early.text
    stack.move_to(9, 0, day(5))
    for entity in (a, c):
        awarded = await stack.post(
            f"/scoring/v1/applications/{apps[entity]}/award", {}, **evaluator
        )
        assert awarded.status_code == 200, awarded.text
        assert awarded.json()["status"] == "awarded"
    honor = await stack.http.get(f"/scoring/v1/honor-list?campaign_id={campaign['id']}")
    assert {h["entity_id"] for h in honor.json()["holders"]} == {a, c}

    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    reported = await stack.http.post(
        "/reporting/v1/cases",
        json={"entity_id": a, "kind": "confirmed", "date": str(day(5))},
        headers={**stack.auth(), "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"},
    )
    assert reported.status_code == 201, reported.text
    case = reported.json()
    await until_delisted(stack, campaign["id"], a)

    honor = await stack.http.get(f"/scoring/v1/honor-list?campaign_id={campaign['id']}")
    assert [h["entity_id"] for h in honor.json()["holders"]] == [c]
    assert honor.json()["holders"][0]["score"] == 99
    delistings = (
        await stack.http.get(f"/scoring/v1/delistings?campaign_id={campaign['id']}")
    ).json()["delistings"]
    assert [(x["entity_id"], x["reason"]) for x in delistings] == [(a, "case")]
    case_event = await case_event_id(stack, case["id"])
    assert delistings[0]["cause_event_id"] == case_event

    timeline = (await stack.get(f"/scoring/v1/entities/{a}/audit")).json()["events"]
    kinds = [e["type"].split(".")[2] + "." + e["type"].split(".")[4] for e in timeline]
    assert kinds == [
        "scoring.opened",
        "scoring.self_assessed",
        "scoring.submitted",
        "scoring.township_approved",
        "scoring.recommended",
        "scoring.inspection_recorded",
        "scoring.inspection_recorded",
        "scoring.public_notice_opened",
        "scoring.objection_filed",
        "scoring.objection_ruled",
        "scoring.awarded",
        "reporting.reported",
        "scoring.delisted",
    ]
    delisted, cause = timeline[-1], timeline[-2]
    assert cause["event_id"] == case_event and delisted["causation_id"] == case_event
    await one_trace_from_request_to_delisting(stack, case["id"], a, trace_id)
    assert delisted["actor"] == "system:delisting-policy"
    assert (
        timeline[5]["evidence"] == [f"photo-{a}.jpg"] and timeline[5]["role"] == "county_evaluator"
    )
    assert timeline[9]["note"] == "经核实门岗24小时值守"
    await rebuilt_lists_equal_live(stack, campaign["id"], honor.json(), delistings)
    await metrics_tell_the_story(stack)


async def rebuilt_lists_equal_live(stack, campaign_id: str, honor: dict, delistings: list) -> None:
    """The public lists rebuilt from the log, and in distributed mode from the topic, are the
    lists the endpoint served live."""
    sources = [None]
    if isinstance(stack.bus, KafkaBus):
        for relay in stack.relays:
            await relay.drain()
        sources.append("topic")
    for source in sources:
        for name in ("honor-list", "delistings"):  # each reads a few types (Projection.types)
            projector = stack.scoring.projectors[name]
            types = projector.projection.types
            history = topic_history(stack.bus, "scoring", types=types) if source else None
            await projector.rebuild(source=history)
        again = await stack.http.get(f"/scoring/v1/honor-list?campaign_id={campaign_id}")
        assert again.json() == honor
        listed = await stack.http.get(f"/scoring/v1/delistings?campaign_id={campaign_id}")
        assert listed.json()["delistings"] == delistings


async def one_trace_from_request_to_delisting(stack, case_id, entity_id, trace_id) -> None:
    """The caller's W3C trace reaches the case event and, through the bus, the delisting."""
    [case_event] = await stack.reporting.store.read_stream("t1", f"case:{case_id}")
    delistings = [
        e
        for e in await stack.scoring.store.read_all(0, 10_000)
        if e.type.endswith(".delisted.v1") and e.data["entity_id"] == entity_id
    ]
    for event in (case_event, *delistings):
        assert event.metadata.traceparent is not None
        assert event.metadata.traceparent.split("-")[1] == trace_id
    assert case_event.metadata.traceparent != delistings[0].metadata.traceparent  # own spans


async def metrics_tell_the_story(stack) -> None:
    """What operations scrape at ``/<service>/metrics``: request durations by route and status,
    what the delisting policy applied, and how far consumers and relays lag."""
    text = (await stack.http.get("/scoring/metrics")).text
    award = 'http_route="/scoring/v1/applications/{application_id}/award"'
    assert any(
        line.startswith("http_server_request_duration_seconds_count")
        and award in line
        and 'http_response_status_code="409"' in line
        for line in text.splitlines()
    )
    applied = [
        line
        for line in text.splitlines()
        if line.startswith("wuyi_consumer_events_total")
        and 'consumer="scoring.delisting-policy"' in line
        and 'outcome="applied"' in line
    ]
    assert applied and float(applied[0].split()[-1]) >= 1
    assert metric(text, "wuyi_consumer_lag", 'consumer="scoring.delisting-policy"') is not None
    if stack.relays:
        assert metric(text, "wuyi_relay_lag", 'service="scoring"') is not None


def metric(text: str, name: str, label: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(name + "{") and label in line:
            return float(line.split()[-1])
    return None


async def until_delisted(stack, campaign_id: str, entity_id: str) -> None:
    async with asyncio.timeout(20):
        while True:
            listed = await stack.http.get(f"/scoring/v1/delistings?campaign_id={campaign_id}")
            if any(x["entity_id"] == entity_id for x in listed.json()["delistings"]):
                return
            await asyncio.sleep(0.05)


async def case_event_id(stack, case_id: str) -> str:
    [event] = await stack.reporting.store.read_stream("t1", f"case:{case_id}")
    return event.event_id
