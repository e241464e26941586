"""Published eligibility converges to the true one however refreshes interleave (#8)."""

from __future__ import annotations

import asyncio
import os
import random
from contextvars import ContextVar
from datetime import timedelta

from wuyi_core.eventstore import EventMetadata
from wuyi_reporting.application import eligibility
from wuyi_reporting.application.eligibility import explain, refresh, refresh_lineage, sweep

from .test_cases_and_eligibility import GAINED, LOST, eligibility_events, report_days

SYSTEM = EventMetadata.system("eligibility-test")
ROUNDS = 10
ACTIONS = ("flip", "refresh")  # flip: report a case, or lift the open ones
LAGGING = ContextVar("lagging", default=False)


async def published_matches_truth(stack, entity_id: str) -> bool:
    await stack.reporting.catch_up()
    truth, _, _ = await explain(stack.reporting, "t1", entity_id)
    state = await stack.reporting.reads.published_state("t1", entity_id)
    return state is not None and bool(state["eligible"]) == truth.eligible


async def old_case(stack, town) -> dict:
    """A confirmed case 20 days back: outside the 14-day cycle, so only its lifting (the
    history rule) decides eligibility."""
    return await stack.created(
        "/reporting/v1/cases",
        {
            "entity_id": town["village"],
            "kind": "confirmed",
            "date": str(stack.day - timedelta(days=20)),
        },
    )


async def lift(stack, town, case_id: str) -> int:
    response = await stack.post(
        f"/reporting/v1/cases/{case_id}/lift",
        {},
        role="township_reviewer",
        scope=town["township"],
    )
    return response.status_code


async def eligible_town(stack, town) -> None:
    await report_days(stack, town, 14)
    stack.move_to(9, 0)
    await sweep(stack.reporting)
    assert await published_matches_truth(stack, town["village"])


async def test_a_refresher_with_a_stale_view_does_not_leave_its_flip_published(
    stack, town, monkeypatch
):
    await eligible_town(stack, town)
    stale = await explain(stack.reporting, "t1", town["village"])  # eligible, before the case
    await old_case(stack, town)  # publishes EligibilityLost at once
    calls = 0

    async def stale_once(*args, **kwargs):
        nonlocal calls
        calls += 1
        return stale if calls == 1 else await explain(*args, **kwargs)

    monkeypatch.setattr(eligibility, "explain", stale_once)
    await refresh(stack.reporting, "t1", [town["village"]], SYSTEM)
    assert await published_matches_truth(stack, town["village"])
    assert (await eligibility_events(stack, town["village"]))[-3:] == [LOST, GAINED, LOST]


async def test_concurrent_cases_lifts_and_refreshes_publish_the_true_eligibility(
    stack, town, monkeypatch
):
    """Tasks report a case or lift the open ones (each flips the truth), and sweepers on a
    lagging replica refresh, all at random moments."""
    seed = int(os.environ.get("WUYI_FAULT_SEED") or random.randrange(2**32))
    print(f"seed {seed} (WUYI_FAULT_SEED={seed} replays it)")
    rng = random.Random(seed)
    await eligible_town(stack, town)
    open_cases: list[str] = []

    async def lagging_explain(*args, **kwargs):
        verdict = await explain(*args, **kwargs)
        if LAGGING.get():  # its view ages before it publishes
            await asyncio.sleep(rng.random() / 4)
        return verdict

    monkeypatch.setattr(eligibility, "explain", lagging_explain)

    async def act(plan: list[tuple[str, float]]) -> None:
        for action, draw in plan:
            await asyncio.sleep(draw / 10)
            if action == "refresh":
                LAGGING.set(True)
                await refresh_lineage(stack.reporting, "t1", town["village"], SYSTEM)
                LAGGING.set(False)
            elif open_cases:
                lifting = open_cases.copy()
                open_cases.clear()
                for case_id in lifting:
                    assert await lift(stack, town, case_id) == 200
            else:
                open_cases.append((await old_case(stack, town))["id"])

    for trial in range(ROUNDS):
        plans = [[(rng.choice(ACTIONS), rng.random()) for _ in range(2)] for _ in range(4)]
        await asyncio.gather(*(act(plan) for plan in plans))
        for entity in ("village", "township"):
            assert await published_matches_truth(stack, town[entity]), (seed, trial, entity)
