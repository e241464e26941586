"""The audit view's link across services (issue #11): a delisting caused by a reporting event
names it, the audit timeline carries it, and reporting shows the same event from its own log;
on both backends."""

from __future__ import annotations

from ..conftest import advance, build_county, launch
from .test_delisting import delisted


async def test_a_delisting_links_to_the_case_event_in_reportings_own_log(stack):
    """DOMAIN.md: "the audit timeline shows every event that led to its current state: actor,
    role, time, reason, evidence, and the causing event (causation) and request (correlation)"."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    await advance(stack, await launch(stack), entity, county["town"])
    case = await stack.post(
        "/reporting/v1/cases",
        {"entity_id": entity, "kind": "confirmed", "date": str(stack.clock.now().date())},
        role="township_reviewer",
        scope=county["town"],
    )
    assert case.status_code == 201, case.text
    [loss] = await delisted(stack, entity)

    audit = (await stack.get(f"/scoring/v1/entities/{entity}/audit")).json()["events"]
    delisting = next(e for e in audit if e["type"].split(".")[4] == "delisted")
    cause_id = delisting["data"]["cause_event_id"]
    assert cause_id == loss["cause_event_id"]
    cause = next(e for e in audit if e["event_id"] == cause_id)
    assert cause["source"] == "reporting" and audit.index(cause) < audit.index(delisting)

    got = await stack.get(f"/reporting/v1/events/{cause_id}", role="county_evaluator")
    assert got.status_code == 200, got.text
    record = got.json()
    assert record["service"] == "reporting" and record["type"] == cause["type"]
    assert record["stream"] == cause["stream"] and record["position"] >= 1
    assert record["actor"] == "township_reviewer" and record["role"] == "township_reviewer"
    assert record["correlation_id"] == cause["correlation_id"]
    assert record["data"]["entity_id"] == entity
    assert "private" not in record  # notes and complaint texts stay in reporting

    applicant = await stack.get(f"/reporting/v1/events/{cause_id}", role="entity_admin",
                                scope=entity)  # fmt: skip
    assert applicant.status_code == 403
    elsewhere = await stack.get(f"/reporting/v1/events/{cause_id}", role="county_evaluator",
                                tenant="t2")  # fmt: skip
    assert elsewhere.status_code == 404
