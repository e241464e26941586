"""The rules table of docs/notifier.md is the one in code."""

from __future__ import annotations

from pathlib import Path

from wuyi_notifier.domain.rules import rules_table

DOC = Path(__file__).parents[4] / "docs" / "notifier.md"


def test_the_documented_rules_table_is_the_one_in_code():
    assert rules_table() in DOC.read_text(encoding="utf-8")
