"""The notifier's settings, from ``WUYI_NOTIFIER_*`` environment variables."""

from __future__ import annotations

from datetime import timedelta

from pydantic_settings import BaseSettings, SettingsConfigDict

from wuyi_notifier.domain.retries import RetryPolicy


class NotifierSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WUYI_NOTIFIER_")

    webhook_timeout_seconds: float = 10.0
    retry_base_seconds: float = 10.0
    retry_cap_seconds: float = 3600.0
    retry_horizon_seconds: float = 86400.0  # then the delivery is dead-lettered
    escalation_grace_minutes: int = 60  # after a miss, before the parent grid leader is told
    send_batch: int = 100
    dashboard_url: str = ""  # prefixed to the links in robot messages and e-mails
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool | None = None  # None: use STARTTLS when the server offers it
    smtp_sender: str = "wuyi@localhost"
    report_due_minutes: int = 60  # a tenant's default until its county admin sets its own
    # SMS: Alibaba Cloud SMS (dysmsapi SendSms); the key pair from the RAM console, the approved
    # signature (签名) and notification template (模板 Code, with ${title} and ${content})
    sms_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    sms_access_key_id: str = ""
    sms_access_key_secret: str = ""
    sms_sign_name: str = ""
    sms_template_code: str = ""
    sms_region: str = "cn-hangzhou"
    sms_per_minute: int = 1  # per number; Alibaba's defaults (see domain/sms.py)
    sms_per_hour: int = 5
    sms_per_day: int = 10
    warning_days: int = 3  # the county hears of a phase deadline or batch closing this early

    @property
    def sms_configured(self) -> bool:
        return bool(
            self.sms_access_key_id
            and self.sms_access_key_secret
            and self.sms_sign_name
            and self.sms_template_code
        )

    @property
    def sms_limits(self) -> list[tuple[int, timedelta]]:
        return [
            (self.sms_per_minute, timedelta(minutes=1)),
            (self.sms_per_hour, timedelta(hours=1)),
            (self.sms_per_day, timedelta(days=1)),
        ]

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(
            self.retry_base_seconds, self.retry_cap_seconds, self.retry_horizon_seconds
        )
