"""The demo tells the whole scoring story (issue #4): a campaign on a seed rubric, a batch through
every step, several awards, and a delisting caused by a reported case, visible on the public
lists and in the audit timeline; a second run adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from wuyi_core.auth import Principal, Role
from wuyi_core.eventstore import StoredEvent
from wuyi_notifier.application.reading import my_inbox, public_feed
from wuyi_scoring.application.audit import audit_timeline
from wuyi_scoring.application.public import delistings, honor_list

from wuyi.demo import TENANT, DemoSize, seed, seeding_services
from wuyi.services import Services

# Two townships of five villages and communities (one level-3 grid each) over 15 days: six end
# eligible and clean at the launch, enough for a township rejection, an upheld objection and
# three awards or more.
SIZE = DemoSize(townships=2, villages=5, grids=1, days=15)


async def test_the_demo_awards_villages_and_delists_one_for_a_case(tmp_path):
    async with seeding_services(tmp_path) as (services, clock):
        await seed(services, clock, SIZE)
        heads = {name: await store.head() for name, store in services.stores.items()}

        honor = await honor_list(services.scoring, TENANT, None)
        assert honor["count"] >= 2
        assert {h["award_title"] for h in honor["holders"]} == {"无疫村（社区）"}
        assert all(h["score"] >= 90 for h in honor["holders"])
        listed = (await delistings(services.scoring, TENANT, None))["delistings"]
        [delisted] = [d for d in listed if d["reason"] == "case"]
        case = await case_reported(services, delisted["entity_id"])
        assert delisted["cause_event_id"] == case.event_id
        assert delisted["entity_id"] not in {h["entity_id"] for h in honor["holders"]}

        evaluator = Principal("auditor", TENANT, Role.COUNTY_EVALUATOR, None)
        timeline = (await audit_timeline(services.scoring, evaluator, delisted["entity_id"]))[
            "events"
        ]
        kinds = [e["type"].split(".")[2] + "." + e["type"].split(".")[4] for e in timeline]
        assert kinds[0] == "scoring.opened"
        assert {"scoring.inspection_recorded", "scoring.public_notice_opened"} <= set(kinds)
        assert kinds[-3:] == ["scoring.awarded", "reporting.reported", "scoring.delisted"]
        assert timeline[-2]["event_id"] == case.event_id
        assert timeline[-1]["causation_id"] == case.event_id
        now = datetime.now(UTC)
        assert all(datetime.fromisoformat(e["time"]) < now for e in timeline)  # back-dated
        await the_story_reached_the_inbox(services, delisted["entity_id"])

    async with seeding_services(tmp_path) as (services, clock):
        await seed(services, clock, SIZE)
        assert {name: await store.head() for name, store in services.stores.items()} == heads


async def the_story_reached_the_inbox(services: Services, delisted_id: str) -> None:
    """The notifier told the story's people (issue #10), with no hand-made set-up."""
    admin = Principal("demo-admin", TENANT, Role.ENTITY_ADMIN, delisted_id)
    titles = [i["title_zh"] for i in await my_inbox(services.notifier, admin, True, 50)]
    assert {"授予称号", "称号撤销"} <= set(titles)
    async with services.notifier.db.read() as conn:
        boxes = await conn.fetch("SELECT DISTINCT role, title_zh FROM inbox_items")
    kinds = {(b["role"], b["title_zh"]) for b in boxes}
    assert {("township_reviewer", "新的申报待审核"), ("grid_member", "日报逾期未报")} <= kinds
    public = [i["title_zh"] for i in await public_feed(services.notifier, TENANT, 500)]
    assert {"公示开始", "授予称号", "称号撤销"} <= set(public)


async def case_reported(services: Services, entity_id: str) -> StoredEvent:
    """The reporting event of the latest case reported in ``entity_id``."""
    found: list[StoredEvent] = []
    position = 0
    while events := await services.reporting.store.read_all(position, 1000):
        found += [
            e
            for e in events
            if e.type.split(".")[3:5] == ["case", "reported"] and e.data["entity_id"] == entity_id
        ]
        position = events[-1].position
    return found[-1]
