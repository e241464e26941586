"""Text as people read it.

- ``clean_name`` (entity, grid and contact names): NFKC-normalized, so that two names that look
  alike are one name and one unique key, and without hidden characters.
- ``visible_text`` (official wording: campaign titles, award titles, document numbers): kept
  exactly as issued (NFKC would turn 无疫村（社区）'s full-width parentheses into ASCII ones),
  and without hidden characters.

Hidden characters are control, format (bidirectional overrides, zero-width) and private-use
characters: they can hide or reorder what a reviewer sees."""

from __future__ import annotations

import unicodedata

from pydantic_core import PydanticCustomError

_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def clean_name(value: str) -> str:
    return visible_text(unicodedata.normalize("NFKC", value).strip())


def visible_text(value: str) -> str:
    for char in value:
        if unicodedata.category(char) in _HIDDEN:
            raise PydanticCustomError(
                "hidden_character",
                "must not contain control, direction or invisible characters (found U+{code})",
                {"code": f"{ord(char):04X}"},
            )
    if not value:
        raise PydanticCustomError("string_too_short", "must not be empty", {})
    return value
