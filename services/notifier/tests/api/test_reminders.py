"""The county's reminders, on the injected clock: a phase deadline approaching, and a township
short of its quota in a batch about to close; each sent once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from wuyi_notifier.application.reminders import sweep_reminders
from wuyi_notifier.bootstrap import build_notifier

from services.scoring.tests.conftest import build_county, day, launch


async def county_with_campaign(notified) -> dict:
    county = await build_county(notified.stack, compounds=1)
    phases = [{"name": "自评申报", "deadline": str(day(10)), "step": "submission"}]
    campaign = await launch(notified.stack, phases=phases, quotas={"per_township": 2})
    opened = await notified.stack.post(
        "/scoring/v1/applications",
        {
            "campaign_id": campaign["id"],
            "batch_id": campaign["batch_id"],
            "entity_id": county["compounds"][0],
        },
        role="entity_admin",
        scope=county["compounds"][0],
    )
    assert opened.status_code == 201, opened.text
    await notified.settle()
    return county


async def titles(notified) -> list[str]:
    return sorted(i["title_zh"] for i in await notified.inbox("county_evaluator"))


async def test_the_county_hears_of_a_phase_deadline_within_the_warning_days_once(notified):
    """DOMAIN.md: "county: ... phase deadline approaching"."""
    await county_with_campaign(notified)
    notified.stack.move_to(9, 0, day(6))
    assert await sweep_reminders(notified.notifier) == 0
    notified.stack.move_to(9, 0, day(8))
    again = await build_notifier(notified.notifier.db, notified.stack.clock)
    sent = await asyncio.gather(sweep_reminders(notified.notifier), sweep_reminders(again))
    assert sum(sent) == 1
    assert await titles(notified) == ["阶段截止临近"]
    notified.stack.move_to(9, 0, day(9))
    assert await sweep_reminders(notified.notifier) == 0


async def test_a_township_short_of_its_quota_is_reported_as_the_batch_closes(notified):
    """DOMAIN.md: "county: quota not met"; the batch of ``launch`` closes on day 30."""
    await county_with_campaign(notified)
    notified.stack.move_to(9, 0, day(28))  # the phase deadline has passed by then
    assert await sweep_reminders(notified.notifier) == 1
    [item] = await notified.inbox("county_evaluator")
    assert item["title_zh"] == "名额未报满"
    assert "申报1个，少于名额2个" in item["body_zh"]
    notified.stack.move_to(9, 0, day(28) + timedelta(days=1))
    assert await sweep_reminders(notified.notifier) == 0
