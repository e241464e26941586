"""What keeps this process from being ready, by component.

Background parts report here: a loop that keeps failing (``supervision``), a relay stalled on an
event it cannot publish, a consumer waiting for its database. Each service's ``/ready`` answers
503 while anything is reported, naming it, so an orchestrator stops routing to the process and
an operator sees why. The registry is per process because readiness is: one process, one pod.
"""

from __future__ import annotations

_problems: dict[str, str] = {}


def report(component: str, problem: str) -> None:
    _problems[component] = problem


def clear(component: str) -> None:
    _problems.pop(component, None)


def problems() -> dict[str, str]:
    return dict(_problems)
