"""The answer to a submission is folded from the report's own events (domain/report_row.py), not
read from the completeness projection (issue #12: nothing on the request path waits for a
projection the answer does not need). It must be exactly what a read of the report returns."""

from __future__ import annotations

from wuyi_reporting.application.missed import sweep_missed


async def read_back(stack, grid: str) -> dict:
    response = await stack.get(f"/reporting/v1/grid-reports/{grid}/{stack.day}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_answer_to_a_submission_is_what_a_read_returns(stack, town):
    """A first submission, a correction, and a level-2 report with its roll-up, each after the
    deadline swept the day as missed: the answer and the read agree field for field."""
    stack.move_to(19, 0)  # past the deadline: the day is swept as missed first
    await sweep_missed(stack.reporting)
    counts = {"resident_population": 30, "tests_done": 5}
    first = await stack.report(town["g3a"], zero=False, counts=counts)
    assert first.status_code == 201, first.text
    assert first.json() == await read_back(stack, town["g3a"])
    assert first.json()["missed"] is True and first.json()["received"] is True

    corrected = await stack.report(town["g3a"], zero=True)
    assert corrected.status_code == 201, corrected.text
    assert corrected.json() == await read_back(stack, town["g3a"])
    assert corrected.json()["corrections"] == 1

    assert (await stack.report(town["g3b"])).status_code == 201
    rollup = await stack.report(town["g2"])
    assert rollup.status_code == 201, rollup.text
    assert rollup.json() == await read_back(stack, town["g2"])
    assert rollup.json()["rollup"] is not None
