"""Recording the rectification (整改) after a rejection or delisting: the entity's admin reports
what it rectified, with evidence; from then on the entity may apply again, in a later batch
(seed 003: 验收未通过的,加强整改,在下批次复验). The re-review (复验) is that next application."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.scoring import ApplicationRectified
from wuyi_core.auth import Principal
from wuyi_core.eventstore import EventMetadata, NewEvent

from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import APPLICANTS, acting_on
from wuyi_scoring.application.assessing import note
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring


async def record_rectification(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.RecordRectification
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await acting_on(tx, who, application_id, APPLICANTS, "record_rectification")
        event = ApplicationRectified(application_id=application_id, evidence=cmd.evidence)
        metadata = EventMetadata.of(who, cid)
        await tx.record(who.tenant, app, [NewEvent(event, note(cmd.note))], metadata, frees=True)
    return await application_view(scoring, who.tenant, application_id)
