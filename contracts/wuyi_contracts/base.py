"""The base of every event's data: a frozen pydantic model that knows its CloudEvents type.

Type names follow ``cn.wuyi.<service>.<aggregate>.<event>.v<N>``. A model states the parts once;
the full type is derived, so a name can never drift from its class.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    """Data of one immutable, versioned event. Nothing personal belongs here: it is public."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    service: ClassVar[str]
    aggregate: ClassVar[str]
    event: ClassVar[str]
    version: ClassVar[int] = 1

    @classmethod
    def event_type(cls) -> str:
        return f"cn.wuyi.{cls.service}.{cls.aggregate}.{cls.event}.v{cls.version}"
