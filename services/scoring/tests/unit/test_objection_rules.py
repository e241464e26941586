"""The pure rules of anonymous objections (issue #9): "Merge duplicates" and "Rate-limit them
per client and per application"."""

from __future__ import annotations

from datetime import UTC, datetime

from wuyi_scoring.domain.objections import client_key, duplicate_of, normalized, window


def test_duplicates_ignore_width_case_spaces_and_punctuation():
    assert normalized(" 台账  造假！！") == normalized("台账造假!") == "台账造假"
    assert normalized("ＡＢＣ 问题") == normalized("abc问题")
    assert normalized("问题一") != normalized("问题二")


def test_a_repeated_text_names_the_objection_first_filed():
    filed = [("o1", "门岗无人"), ("o2", "登记不全"), ("o3", None)]
    assert duplicate_of("登记 不全。", filed) == "o2"
    assert duplicate_of("别的问题", filed) is None


def test_the_hourly_window_tells_how_long_to_wait():
    at = window(datetime(2026, 3, 10, 9, 59, 30, tzinfo=UTC))
    assert at.retry_after == 30
    assert at.key == window(datetime(2026, 3, 10, 9, 0, tzinfo=UTC)).key
    assert at.key != window(datetime(2026, 3, 10, 10, 0, tzinfo=UTC)).key


def test_a_client_is_counted_by_digest_never_by_its_address():
    key = client_key("t1", "203.0.113.7")
    assert "203.0.113.7" not in key and key == client_key("t1", "203.0.113.7")
    assert key != client_key("t2", "203.0.113.7")
