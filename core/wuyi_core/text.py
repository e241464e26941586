"""Names as people read them: NFKC-normalized, without control, format (bidirectional overrides,
zero-width) or private-use characters, so that two names that look alike are one name (and one
unique key) and no name can hide or reorder what a reviewer sees."""

from __future__ import annotations

import unicodedata

from pydantic_core import PydanticCustomError

_HIDDEN = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})


def clean_name(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).strip()
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
