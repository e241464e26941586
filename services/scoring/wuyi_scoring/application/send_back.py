"""Send-back for rework (退回整改): any review step may return the application to the applicant
with a note; it corrects, assesses itself again and resubmits in the same batch. Unlike a
rejection, the application goes on and the entity keeps its place in the batch."""

from __future__ import annotations

from typing import Any

from wuyi_contracts.scoring import ApplicationSentBack
from wuyi_core.auth import Principal
from wuyi_core.eventstore import EventMetadata, NewEvent

from wuyi_scoring.application import commands as c
from wuyi_scoring.application.access import at_stage
from wuyi_scoring.application.assessing import note
from wuyi_scoring.application.views import application_view
from wuyi_scoring.bootstrap import Scoring


async def send_back(
    scoring: Scoring, who: Principal, cid: str, application_id: str, cmd: c.SendBack
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        app = await at_stage(tx, who, application_id, "send_back")
        stage = app.acting_stage.key
        event = ApplicationSentBack(application_id=application_id, stage=stage)
        await tx.record(
            who.tenant, app, [NewEvent(event, note(cmd.note))], EventMetadata.of(who, cid)
        )
    return await application_view(scoring, who.tenant, application_id)
