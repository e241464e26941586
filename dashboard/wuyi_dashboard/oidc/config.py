"""The relying party's settings (``WUYI_OIDC_*``, ``wuyi_core.settings``), checked once."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wuyi_core.auth import Role
from wuyi_core.settings import WuyiSettings

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str | None = None
    scopes: str = "openid profile"
    tenant_claim: str = "wuyi_tenant"
    default_tenant: str | None = None
    role_claim: str = "wuyi_role"
    role_map: dict[str, Role] = field(default_factory=dict)
    scope_claim: str = "wuyi_scope"
    username_claim: str = "preferred_username"

    def __post_init__(self) -> None:
        for name, url in (("issuer", self.issuer), ("redirect_uri", self.redirect_uri)):
            parts = urlsplit(url)
            if parts.scheme != "https" and parts.hostname not in LOOPBACK:
                raise ValueError(f"WUYI_OIDC_{name.upper()} must be https (or loopback): {url}")
        if "openid" not in self.scopes.split():
            raise ValueError("WUYI_OIDC_SCOPES must include openid")

    @classmethod
    def from_settings(cls, settings: WuyiSettings) -> OidcConfig | None:
        """The configuration, or None when OIDC is not configured (issuer, client id and
        redirect URI unset); a half-done configuration is an error, not silently off."""
        given = (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_redirect_uri)
        if not any(given):
            return None
        secret = settings.oidc_client_secret
        if settings.oidc_client_secret_file is not None:
            secret = settings.oidc_client_secret_file.read_text().strip()
        missing = [
            f"WUYI_OIDC_{n}"
            for n, v in zip(("ISSUER", "CLIENT_ID", "REDIRECT_URI"), given, strict=True)
            if not v
        ] + ([] if secret else ["WUYI_OIDC_CLIENT_SECRET"])
        if missing:
            raise ValueError(f"OIDC is half configured; missing {', '.join(missing)}")
        assert settings.oidc_issuer and settings.oidc_client_id and settings.oidc_redirect_uri
        assert secret
        return cls(
            issuer=settings.oidc_issuer.rstrip("/"),
            client_id=settings.oidc_client_id,
            client_secret=secret,
            redirect_uri=settings.oidc_redirect_uri,
            post_logout_redirect_uri=settings.oidc_post_logout_redirect_uri,
            scopes=settings.oidc_scopes,
            tenant_claim=settings.oidc_tenant_claim,
            default_tenant=settings.oidc_default_tenant,
            role_claim=settings.oidc_role_claim,
            role_map={k: Role(v) for k, v in settings.oidc_role_map.items()},
            scope_claim=settings.oidc_scope_claim,
            username_claim=settings.oidc_username_claim,
        )
