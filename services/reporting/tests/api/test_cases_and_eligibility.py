"""Cases, lifts, complaints, and eligibility published as events when it flips."""

from __future__ import annotations

from datetime import timedelta

from wuyi_reporting.application.eligibility import follow_reports, sweep

GAINED = "cn.wuyi.reporting.eligibility.gained.v1"
LOST = "cn.wuyi.reporting.eligibility.lost.v1"


async def report_days(stack, town, days: int) -> None:
    """Every reporting grid reports on time for the ``days`` days before DAY."""
    for n in range(days, 0, -1):
        day = stack.day - timedelta(days=n)
        stack.move_to(16, 0, day)
        for grid in ("g3a", "g3b", "g2"):
            response = await stack.report(town[grid], day=day)
            assert response.status_code == 201, response.text


async def eligibility_events(stack, entity_id):
    return [
        e.type
        for e in await stack.reporting.store.read_all(0)
        if e.stream_id == f"eligibility:{entity_id}"
    ]


async def test_fourteen_days_of_reports_and_no_case_make_a_village_eligible(stack, town):
    await report_days(stack, town, 14)
    stack.move_to(9, 0)
    await sweep(stack.reporting)
    view = (await stack.get(f"/reporting/v1/eligibility/{town['village']}")).json()
    assert view["eligible"] is True and view["clean_days"] is None
    assert [r["rule"] for r in view["reasons"]] == ["cycle", "history", "reporting"]
    assert (await eligibility_events(stack, town["village"]))[-1] == GAINED


async def test_a_case_makes_the_village_and_its_township_lose_eligibility_at_once(stack, town):
    await report_days(stack, town, 14)
    stack.move_to(9, 0)
    await sweep(stack.reporting)
    case = await stack.created(
        "/reporting/v1/cases",
        {"entity_id": town["village"], "kind": "confirmed", "date": str(stack.day)},
    )
    assert (await eligibility_events(stack, town["village"]))[-1] == LOST
    assert (await eligibility_events(stack, town["township"]))[-1] == LOST
    view = (await stack.get(f"/reporting/v1/eligibility/{town['village']}")).json()
    assert {r["rule"]: r["passed"] for r in view["reasons"]} == {
        "cycle": False,
        "history": False,
        "reporting": True,
    }
    lifted = await stack.post(
        f"/reporting/v1/cases/{case['id']}/lift",
        {"note": "解除"},
        role="township_reviewer",
        scope=town["township"],
    )
    assert lifted.status_code == 200 and lifted.json()["lifted_on"] == str(stack.day)
    assert (await stack.get(f"/reporting/v1/cases/{case['id']}")).json() == lifted.json()
    again = await stack.post(f"/reporting/v1/cases/{case['id']}/lift", {})
    assert again.status_code == 409


async def test_the_cycle_length_is_a_query_parameter(stack, town):
    await report_days(stack, town, 14)
    stack.move_to(9, 0)
    await stack.created(
        "/reporting/v1/cases",
        {
            "entity_id": town["village"],
            "kind": "close_contact",
            "date": str(stack.day - timedelta(days=10)),
        },
    )
    short = (await stack.get(f"/reporting/v1/eligibility/{town['village']}?cycle_days=7")).json()
    default = (await stack.get(f"/reporting/v1/eligibility/{town['village']}")).json()
    assert (short["eligible"], short["clean_days"]) == (True, 10)
    assert default["eligible"] is False


async def test_a_grid_member_cannot_lift_a_case(stack, town):
    stack.move_to(9, 0)
    case = await stack.created(
        "/reporting/v1/cases",
        {"entity_id": town["village"], "kind": "asymptomatic", "date": str(stack.day)},
    )
    response = await stack.post(
        f"/reporting/v1/cases/{case['id']}/lift", {}, role="grid_member", scope=town["g3a"]
    )
    assert response.status_code == 403


async def test_a_future_case_date_is_422(stack, town):
    stack.move_to(9, 0)
    response = await stack.post(
        "/reporting/v1/cases",
        {"entity_id": town["village"], "kind": "confirmed", "date": str(stack.day + timedelta(1))},
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "date"


async def test_complaints_are_verified_once_and_their_text_stays_private(stack, town):
    stack.move_to(9, 0)
    complaint = await stack.created(
        "/reporting/v1/complaints",
        {"entity_id": town["village"], "summary": "张三反映小区门岗无人值守", "source": "12345"},
    )
    assert complaint["status"] == "open"
    decided = await stack.post(
        f"/reporting/v1/complaints/{complaint['id']}/verification",
        {"verified": True, "note": "已核实"},
        role="township_reviewer",
        scope=town["township"],
    )
    assert decided.json()["status"] == "verified"
    again = await stack.post(
        f"/reporting/v1/complaints/{complaint['id']}/verification", {"verified": False, "note": "x"}
    )
    assert again.status_code == 409
    for event in await stack.reporting.store.read_all(0):
        assert "张三" not in event.envelope().model_dump_json()


async def test_late_reports_that_complete_the_cycle_are_followed_into_eligibility(stack, town):
    await stack.put("/reporting/v1/settings", {"backfill_days": 14})
    await report_days(stack, town, 13)  # the 14th day of the window has no reports yet
    stack.move_to(9, 0)
    await sweep(stack.reporting)
    assert (await eligibility_events(stack, town["village"]))[-1] == LOST
    first = stack.day - timedelta(days=14)
    for grid in ("g3a", "g3b", "g2"):
        assert (await stack.report(town[grid], day=first)).status_code == 201
    assert await follow_reports(stack.reporting) >= 1
    assert (await eligibility_events(stack, town["village"]))[-1] == GAINED
    assert await follow_reports(stack.reporting) == 0  # nothing new to follow
