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
