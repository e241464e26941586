"""Token routes: refresh a token within its session, revoke a token by its id (``jti``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from wuyi_core.auth import TokenService
from wuyi_core.http import CorrelationId, CurrentPrincipal

from wuyi_registry.api.deps import RegistryDep
from wuyi_registry.application import token_handlers as h

router = APIRouter(prefix="/tokens", tags=["tokens"])

Jti = Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,64}$")]


@router.post("/refresh")
async def refresh(
    request: Request, reg: RegistryDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Exchange a valid token for a new one (same tenant, role, scope) within the session's
    maximum age; the presented token is revoked."""
    tokens: TokenService = request.app.state.tokens
    return await h.refresh_token(reg.store, tokens, who, cid)


@router.post("/{jti}/revoke")
async def revoke(
    jti: Jti, reg: RegistryDep, who: CurrentPrincipal, cid: CorrelationId
) -> dict[str, Any]:
    """Revoke a token by its id: county admins any of the county's, anyone their own."""
    return await h.revoke_token(reg.store, who, cid, jti)
