"""Tenant reporting settings: time zone, deadlines, backfill window, default cycle."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from wuyi_contracts.reporting import SettingsChanged
from wuyi_core.auth import Principal
from wuyi_core.eventstore import EventMetadata, NewEvent

from wuyi_reporting.application import commands as c
from wuyi_reporting.application.access import SETTINGS_ADMINS, authorize_county
from wuyi_reporting.bootstrap import Reporting
from wuyi_reporting.domain.settings import ReportingSettings


async def change_settings(
    rep: Reporting, who: Principal, cid: str, cmd: c.ChangeSettings
) -> dict[str, Any]:
    await authorize_county(rep.reads, who, SETTINGS_ADMINS)
    settings = ReportingSettings(**cmd.model_dump())  # validates zone and deadlines
    _, version = await rep.reads.settings(who.tenant)
    event = SettingsChanged(**asdict(settings))
    await rep.write(
        EventMetadata.of(who, cid), who.tenant, f"settings:{who.tenant}", version, [NewEvent(event)]
    )
    return await settings_view(rep, who.tenant)


async def settings_view(rep: Reporting, tenant: str) -> dict[str, Any]:
    settings, version = await rep.reads.settings(tenant)
    return {**asdict(settings), "version": version}
