"""What the fault suite injected and what held, one JSON line per trial or check.

Every fault test calls ``record`` with what it did; ``scripts/fault-suite`` renders the lines
into docs/reliability.md. The lines go to ``$WUYI_FAULT_RESULTS`` (default
``.dev-services/fault-results.jsonl``), so the ordinary test command keeps its results beside
the servers it ran against and never rewrites the committed document.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def results_file() -> Path:
    default = ROOT / ".dev-services" / "fault-results.jsonl"
    return Path(os.environ.get("WUYI_FAULT_RESULTS") or default)


def record(suite: str, fault: str, **facts: Any) -> None:
    """One line: the suite (e.g. ``kill-9``), the fault injected, and facts such as ``seed``,
    ``trials``, ``commands``, ``held`` (bool) and ``failures`` (a list of seeds)."""
    path = results_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"suite": suite, "fault": fault, "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), **facts}
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def trials(default: int) -> int:
    """Trials per process kind: ``WUYI_FAULT_TRIALS`` for the long variants."""
    return int(os.environ.get("WUYI_FAULT_TRIALS") or default)


def rounds(default: int) -> int:
    """Kill-and-restart rounds of the broker cluster: ``WUYI_FAULT_ROUNDS`` for the long
    variants (each round waits out a leader election, so they are counted apart)."""
    return int(os.environ.get("WUYI_FAULT_ROUNDS") or default)
