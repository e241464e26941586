"""Settings of the distributed mode, from ``WUYI_*`` environment variables."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class WuyiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WUYI_")

    database_url: str | None = None
    kafka_bootstrap: str | None = None
    jwt_secret: str | None = None
    topic_prefix: str = ""
    topic_partitions: int = 3
    topic_replication: int = 1
    port: int = 8000
    host: str = "127.0.0.1"
