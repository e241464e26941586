"""Settings of the distributed mode, from ``WUYI_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class WuyiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WUYI_")

    database_url: str | None = None
    kafka_bootstrap: str | None = None
    jwt_secret: str | None = None
    topic_prefix: str = ""
    topic_partitions: int = 3
    topic_replication: int = 1
    # What one Kafka message may hold: the producer's max_request_size and the topics'
    # max.message.bytes; the broker's message.max.bytes must be at least this (limits.py).
    kafka_max_message_bytes: int = 1_048_576
    # Audit keys come from WUYI_AUDIT_KEYS or WUYI_AUDIT_KEYS_FILE (eventstore/keyring.py), read
    # there and not kept here, so that settings dumps never carry them. Signed checkpoints go to
    # this folder, one file per service (eventstore/checkpoints.py).
    audit_checkpoint_dir: Path | None = None
    # How often a worker re-verifies its service's hash chain (audit_watch.py); 0: never.
    audit_verify_seconds: float = 3600.0
    # A worker's probes (/<service>/health, /ready, /metrics: probes.py) listen here, on
    # ``host``; unset, a worker serves no HTTP (several workers on one machine, tests).
    probe_port: int | None = None
    port: int = 8000
    host: str = "127.0.0.1"
    # OpenID Connect sign-in of the distributed mode's web application (docs/oidc.md): on when
    # the issuer, client id and redirect URI are set. The client secret may come from a file.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_client_secret_file: Path | None = None
    oidc_redirect_uri: str | None = None
    oidc_post_logout_redirect_uri: str | None = None
    oidc_scopes: str = "openid profile"
    # Which claims carry the tenant, the role and the jurisdiction scope, and how the provider's
    # role values map to Wuyi's roles (JSON object; a value not in it is not a Wuyi role).
    oidc_tenant_claim: str = "wuyi_tenant"
    oidc_default_tenant: str | None = None
    oidc_role_claim: str = "wuyi_role"
    oidc_role_map: dict[str, str] = {}
    oidc_scope_claim: str = "wuyi_scope"
    oidc_username_claim: str = "preferred_username"
