"""Request and response bodies of the notifier API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["webhook", "wecom", "dingtalk", "email", "sms"]


class InboxItemPublic(BaseModel):
    id: str
    event_id: str
    event_type: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    link: str
    created_at: str
    read: bool


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel = Field(
        description="webhook, wecom (企业微信) or dingtalk (钉钉) robot, email, sms (短信)"
    )
    target: str = Field(
        min_length=3,
        max_length=2000,
        description="the receiver's or robot's URL, an e-mail address or a mobile number;"
        " stays in the notifier",
    )
    event_types: list[str] = Field(
        min_length=1, max_length=50, description="CloudEvents types, `*` as a wildcard"
    )
    scope_id: str | None = Field(default=None, max_length=64)
    secret: str | None = Field(
        default=None,
        min_length=8,
        max_length=200,
        description="dingtalk only: the robot's signing secret (加签, SEC...); webhook secrets"
        " are made by the notifier",
    )


class SubscriptionPublic(BaseModel):
    id: str
    channel: str
    target: str
    event_types: list[str]
    scope_id: str | None
    created_at: str
    active: bool


class SubscriptionCreated(SubscriptionPublic):
    secret: str = Field(description="signs the calls; shown only here, once")


class AttemptPublic(BaseModel):
    attempt: int
    at: str
    status: str
    latency_ms: int
    error: str | None


class DeliveryPublic(BaseModel):
    id: str
    event_id: str
    event_type: str
    channel: str
    recipient: str = Field(description="masked")
    subscription_id: str | None
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    last_error: str | None
    created_at: str
    delivered_at: str | None
    history: list[AttemptPublic]


class TenantSettingsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report_due_minutes: int = Field(
        ge=0,
        le=720,
        description="minutes before a grid level's deadline that its leaders are reminded;"
        " 0 turns the reminder off",
    )


class TenantSettingsPublic(BaseModel):
    report_due_minutes: int
    deadlines: dict[str, str] = Field(description="grid level → HH:MM, from reporting's settings")
    timezone: str
