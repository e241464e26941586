"""The county's record (报县备案) of an award made below it, where the campaign's review chain
asks for one (seed 003: 验收达标的,报县进行备案)."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.scoring import AwardRecordedWithCounty
from wuyi_core.auth import Principal
from wuyi_core.eventstore import EventMetadata, NewEvent

from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import COUNTY, acting_on
from wuyi_scoring.application.assessing import note
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring


async def record_with_county(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.RecordWithCounty
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, COUNTY, "county_record")
        event = AwardRecordedWithCounty(application_id=application_id, record_ref=cmd.record_ref)
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)
