"""Token revocation and refresh: the registry records every revocation (``TokenRevoked``), which
reaches the other services with the rest of its events (see ``wuyi_core.revocations``)."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from wuyi_contracts.registry import TokenRevoked
from wuyi_core import revocations
from wuyi_core.auth import TOKEN_HOURS, Principal, Role, TokenService
from wuyi_core.errors import ConcurrencyConflict, Forbidden
from wuyi_core.eventstore import EventMetadata, EventStore, NewEvent


async def revoke_token(reg_store: EventStore, who: Principal, cid: str, jti: str) -> dict[str, Any]:
    """A county admin revokes any token of the county; anyone may revoke their own (log out).
    Revoking twice is the same as once."""
    own = jti == who.jti
    if not own and who.role != Role.COUNTY_ADMIN:
        raise Forbidden(
            "只有县级管理员可以吊销他人的令牌", "only a county admin may revoke another's token"
        )
    # the registry does not keep the tokens it never saw minted (the CLI mints offline): a
    # revocation outlives any token that can carry this id, which lives TOKEN_HOURS at most
    now = datetime.now(UTC)  # tokens expire in real time (PyJWT checks exp against it)
    expires_at = (who.expires_at if own else None) or now + timedelta(hours=TOKEN_HOURS)
    with suppress(ConcurrencyConflict):  # already revoked
        await record_revocation(reg_store, EventMetadata.of(who, cid), who.tenant, jti, expires_at)
    return {"jti": jti, "revoked": True, "expires_at": expires_at.isoformat()}


async def refresh_token(
    reg_store: EventStore, tokens: TokenService, who: Principal, cid: str
) -> dict[str, Any]:
    """A new token in the same session; the one presented is revoked, so it refreshes once."""
    assert who.jti is not None and who.expires_at is not None  # a verified token's principal
    token = tokens.refreshed(who)
    metadata = EventMetadata.of(who, cid)
    await record_revocation(reg_store, metadata, who.tenant, who.jti, who.expires_at)
    return {"token": token, "token_type": "bearer", "expires_in": TOKEN_HOURS * 3600}


async def record_revocation(
    store: EventStore, metadata: EventMetadata, tenant: str, jti: str, expires_at: datetime
) -> None:
    """The event and the registry's own row in one transaction: the registry refuses the token
    from this commit on, the other services once the event reaches their replica. A second
    revocation of the same id is a ``ConcurrencyConflict`` (the stream exists)."""
    event = TokenRevoked(jti=jti, expires_at=expires_at)
    async with store.db.transaction() as conn:
        await store.append_in(conn, tenant, f"token:{jti}", 0, [NewEvent(event)], metadata)
        await revocations.record(conn, tenant, jti, expires_at, datetime.now(UTC))
