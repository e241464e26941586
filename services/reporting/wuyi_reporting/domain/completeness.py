"""Completeness and timeliness, as DHIS2 defines them: expected = reports that should arrive,
actual = received, on time = received by the deadline; rates are actual/expected and
on-time/expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rates:
    expected: int
    received: int
    on_time: int

    @property
    def completeness(self) -> float | None:
        return round(self.received / self.expected, 4) if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return round(self.on_time / self.expected, 4) if self.expected else None

    def __add__(self, other: Rates) -> Rates:
        return Rates(
            self.expected + other.expected,
            self.received + other.received,
            self.on_time + other.on_time,
        )
