"""A daily report that counts a new case is a case signal (issue #9, item 4). Before, a grid
report with new_cases.confirmed = 1 changed nothing: the village stayed eligible and titled.
Now the report records the case, with the report as its cause, once per grid, day and kind, so
eligibility (and scoring's delisting) follow at once."""

from __future__ import annotations

from wuyi_reporting.application.eligibility import sweep

from .test_cases_and_eligibility import LOST, eligibility_events, report_days

REPORTED = "cn.wuyi.reporting.case.reported.v1"


async def test_a_report_counting_a_confirmed_case_records_the_case_and_eligibility_falls(
    stack, town
):
    await report_days(stack, town, 14)
    stack.move_to(9, 0)
    await sweep(stack.reporting)
    counts = {"resident_population": 40, "new_cases": {"confirmed": 1}}
    member = {"role": "grid_member", "scope": town["g3a"]}
    report = await stack.report(town["g3a"], zero=False, counts=counts, **member)
    assert report.status_code == 201, report.text
    again = await stack.report(town["g3a"], zero=False, counts=counts, **member)  # a correction
    assert again.status_code == 201
    events = await stack.reporting.store.read_all(0)
    [case] = [e for e in events if e.type == REPORTED]
    [first] = [
        e
        for e in events
        if e.type.endswith("grid_report.submitted.v1")
        and e.data["grid_id"] == town["g3a"]
        and e.data["date"] == str(stack.day)
    ]
    assert case.data["entity_id"] == town["village"] and case.data["kind"] == "confirmed"
    assert case.data["grid_id"] == town["g3a"]
    assert case.metadata.causation_id == first.event_id
    assert (await eligibility_events(stack, town["village"]))[-1] == LOST
    view = (await stack.get(f"/reporting/v1/cases/{case.data['case_id']}")).json()
    assert view["kind"] == "confirmed"


async def test_a_level2_rollup_of_new_cases_records_no_second_case(stack, town):
    stack.move_to(16, 0)
    counts = {"resident_population": 40, "new_cases": {"asymptomatic": 2}}
    await stack.report(town["g3a"], zero=False, counts=counts)
    stack.move_to(17, 30)
    assert (await stack.report(town["g2"], zero=False, counts=counts)).status_code == 201
    cases = [e for e in await stack.reporting.store.read_all(0) if e.type == REPORTED]
    assert [(c.data["kind"], c.data["count"]) for c in cases] == [("asymptomatic", 2)]
