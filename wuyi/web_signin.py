"""Where the web application lives in the distributed mode: in the registry's process.

``wuyi serve registry`` with ``WUYI_OIDC_*`` set also serves the app at ``/`` and OpenID Connect
sign-in at ``/auth/v1`` (docs/oidc.md). The registry is the service that records revocations
(``TokenRevoked``), so sign-out revokes the session in its own transaction, and the other
services learn of it through Kafka like any revocation. A reverse proxy in front routes
``/reporting``, ``/scoring`` and ``/notifier`` to their services on the same origin (the session
cookie is per host, and the Origin check wants one origin).
"""

from __future__ import annotations

from contextlib import suppress

from fastapi import FastAPI
from wuyi_core.auth import Principal, TokenService
from wuyi_core.errors import ConcurrencyConflict
from wuyi_core.eventstore import EventMetadata
from wuyi_dashboard import create_dashboard
from wuyi_dashboard.oidc.api import create_oidc_app
from wuyi_dashboard.oidc.config import OidcConfig
from wuyi_dashboard.oidc.flow import FlowCookies
from wuyi_dashboard.oidc.provider import OpenIdProvider
from wuyi_registry.application.token_handlers import record_revocation
from wuyi_registry.bootstrap import Registry

SERVICES = ["registry", "reporting", "scoring", "notifier"]


def web_mounts(
    registry: Registry, tokens: TokenService, secret: str, config: OidcConfig | None
) -> dict[str, FastAPI]:
    """``/auth`` and ``/`` for the registry's process; none when OIDC is not configured."""
    if config is None:
        return {}

    async def revoke(who: Principal, cid: str) -> None:
        assert who.jti is not None and who.expires_at is not None  # a verified session
        with suppress(ConcurrencyConflict):  # signed out twice
            metadata = EventMetadata.of(who, cid)
            await record_revocation(registry.store, metadata, who.tenant, who.jti, who.expires_at)

    auth = create_oidc_app(
        OpenIdProvider(config), tokens, FlowCookies(secret), revoke, registry.store.db
    )
    return {"/auth": auth, "/": create_dashboard(services=SERVICES)}
