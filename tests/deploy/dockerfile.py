"""A small reader of the Dockerfile: its stages and their instructions, lines joined."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def stages(path: Path) -> list[Stage]:
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    result: list[Stage] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = shlex.split(args)
            name = words[2] if len(words) > 2 and words[1].upper() == "AS" else None
            result.append(Stage(words[0], name))
        elif result:
            result[-1].instructions.append((keyword, args.strip()))
    return result


def build_args(path: Path) -> dict[str, str]:
    """Global ARG defaults (those before the first FROM)."""
    defaults: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("FROM"):
            break
        match = re.match(r"ARG (\w+)=(\S+)", line)
        if match:
            defaults[match[1]] = match[2]
    return defaults
