"""The pure rules: wildcard matching, signatures, backoff, masking, templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wuyi_contracts.catalog import EVENT_TYPES
from wuyi_notifier.domain.masking import mask
from wuyi_notifier.domain.matching import subscribed, type_matches
from wuyi_notifier.domain.retries import RetryPolicy
from wuyi_notifier.domain.rules import RULES, Audience
from wuyi_notifier.domain.signing import signature, verify
from wuyi_notifier.domain.templates import TEMPLATES, render, template_for


def test_a_wildcard_covers_a_whole_service_and_nothing_else():
    """API.md: "`*` as a wildcard (`cn.wuyi.scoring.*`)"."""
    assert type_matches("cn.wuyi.scoring.*", "cn.wuyi.scoring.application.awarded.v1")
    assert not type_matches("cn.wuyi.scoring.*", "cn.wuyi.reporting.case.reported.v1")
    assert type_matches("*", "cn.wuyi.reporting.case.reported.v1")
    assert not type_matches("cn.wuyi.scoring.application.awarded.v1", "cn.wuyi.scoring.x")


def test_an_entity_scope_covers_everything_under_it():
    types = ["*"]
    assert subscribed(types, "town", "t", ["compound", "community", "town", "county"])
    assert not subscribed(types, "other", "t", ["compound", "community", "town", "county"])
    assert subscribed(types, None, "t", [])


def test_a_signature_verifies_only_within_the_replay_window_and_for_the_same_body():
    sig = signature("s3cret", 1_700_000_000, b'{"a":1}')
    assert verify("s3cret", 1_700_000_000, b'{"a":1}', sig, now=1_700_000_100)
    assert not verify("s3cret", 1_700_000_000, b'{"a":1}', sig, now=1_700_000_000 + 301)
    assert not verify("s3cret", 1_700_000_000, b'{"a":2}', sig, now=1_700_000_000)
    assert not verify("other", 1_700_000_000, b'{"a":1}', sig, now=1_700_000_000)


def test_backoff_doubles_with_jitter_up_to_its_cap_and_gives_up_at_the_horizon():
    policy = RetryPolicy(base_seconds=10, cap_seconds=60, horizon_seconds=600)
    assert policy.delay(1, jitter=1.0) == timedelta(seconds=10)
    assert policy.delay(3, jitter=1.0) == timedelta(seconds=40)
    assert policy.delay(9, jitter=1.0) == timedelta(seconds=60)
    assert policy.delay(2, jitter=0.5) == timedelta(seconds=10)
    start = datetime(2026, 3, 10, tzinfo=UTC)
    assert not policy.gives_up(start, start + timedelta(seconds=599))
    assert policy.gives_up(start, start + timedelta(seconds=600))


def test_the_log_masks_contacts_but_shows_mailboxes():
    assert mask("webhook", "https://hooks.example.cn/abc?token=1") == "https://hoo***"
    assert mask("sms", "13800138000") == "13***00"
    assert mask("inbox", "entity_admin@e1") == "entity_admin@e1"


def test_every_rule_names_a_known_event_and_has_zh_and_en_words():
    for rule in RULES:
        assert rule.event_type in EVENT_TYPES
        template = template_for(rule.event, rule.audience == Audience.PARENT_GRID_LEADER)
        assert template.title_zh and template.title_en and template.link.startswith("/#/")
        assert rule.event in TEMPLATES


def test_a_delisting_message_gives_its_reason_in_both_languages():
    """DOMAIN.md: "applicant: ... delisting with reason"."""
    from wuyi_contracts.scoring import TitleDelisted

    message = render(
        template_for(TitleDelisted), {"entity_name": "小区1", "reason": "case", "campaign_id": "c"}
    )
    assert message.body_zh == "小区1的称号已撤销，原因：辖区内出现病例。"
    assert message.body_en == "The title of 小区1 was withdrawn: a case in its area."


def test_the_report_due_window_is_n_minutes_before_each_deadline_in_the_tenants_zone():
    from wuyi_notifier.domain.report_due import due_windows

    deadlines = {3: "17:00", 2: "18:00"}
    at = datetime(2026, 3, 10, 8, 30, tzinfo=UTC)  # 16:30 in Asia/Shanghai
    [window] = due_windows(at, "Asia/Shanghai", deadlines, 60)
    assert window.level == 3 and str(window.day) == "2026-03-10"
    assert [w.level for w in due_windows(at, "Asia/Shanghai", deadlines, 90)] == [3, 2]
    assert due_windows(at, "Asia/Shanghai", deadlines, 0) == []
    assert due_windows(at + timedelta(minutes=30), "Asia/Shanghai", deadlines, 30) == []
    assert due_windows(at, "Asia/Urumqi", deadlines, 60) == []  # 14:30 there


def test_sms_parameters_are_percent_encoded_per_rfc_3986_as_alibaba_documents():
    """Alibaba's signature method: "空格( )编码成%20,而不是加号(+)", ``*`` as %2A, ``~`` kept."""
    from wuyi_notifier.domain.sms import canonicalized, percent_encode, string_to_sign

    assert percent_encode("a b*c~/") == "a%20b%2Ac~%2F"
    assert percent_encode("阿里") == "%E9%98%BF%E9%87%8C"
    assert canonicalized({"b": "2", "a": "1 1"}) == "a=1%201&b=2"
    assert string_to_sign("POST", {"a": "1"}) == "POST&%2F&a%3D1"


def test_a_number_gets_one_sms_a_minute_five_an_hour_ten_a_day():
    """Alibaba's default flow control per number: "1条/分钟，5条/小时，10条/天"."""
    from wuyi_notifier.domain.sms import free_at

    limits = [(1, timedelta(minutes=1)), (5, timedelta(hours=1)), (10, timedelta(days=1))]
    now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    assert free_at([], now, limits) is None
    assert free_at([now - timedelta(seconds=30)], now, limits) == now + timedelta(seconds=30)
    hour = [now - timedelta(minutes=m) for m in (50, 40, 30, 20, 10)]
    assert free_at(hour, now, limits) == now + timedelta(minutes=10)
    assert free_at(hour[1:], now, limits) is None


def test_sms_codes_that_pass_with_time_are_retried_the_rest_given_up():
    from wuyi_notifier.domain.sms import gives_up, phone_number

    assert not gives_up("isv.BUSINESS_LIMIT_CONTROL") and not gives_up("isp.SYSTEM_ERROR")
    assert gives_up("isv.MOBILE_NUMBER_ILLEGAL") and gives_up("SignatureDoesNotMatch")
    assert not gives_up("an.unknown.code")  # retried until the horizon
    assert phone_number("+86 138-0013-8000") == "13800138000"
    assert phone_number("010-12345678") is None
