"""The notifier's per-tenant settings (通知设置)."""

from __future__ import annotations

from fastapi import APIRouter
from wuyi_core.http import CurrentPrincipal

from wuyi_notifier.api.deps import NotifierDep
from wuyi_notifier.api.schemas import TenantSettingsChange, TenantSettingsPublic
from wuyi_notifier.application import tenant_config

router = APIRouter(tags=["settings"])


@router.get("/settings", response_model=TenantSettingsPublic)
async def get_settings(notifier: NotifierDep, who: CurrentPrincipal) -> TenantSettingsPublic:
    """The tenant's notifier settings, with the report deadlines they apply to."""
    return TenantSettingsPublic(**await tenant_config.view(notifier, who))


@router.put("/settings", response_model=TenantSettingsPublic)
async def change_settings(
    notifier: NotifierDep, who: CurrentPrincipal, body: TenantSettingsChange
) -> TenantSettingsPublic:
    """Set N, the minutes before a deadline that grids not yet reported are reminded."""
    return TenantSettingsPublic(
        **await tenant_config.change(notifier, who, body.report_due_minutes)
    )
