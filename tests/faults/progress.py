"""What a fault did to the flow of events: samples of the log head, the relay's checkpoint and
the effects applied, how long each stood still, and the warnings and errors logged meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from wuyi_core.eventstore import EventStore
from wuyi_core.relay import Relay

COLUMNS = ("head", "relayed", "applied")


@dataclass
class Progress:
    store: EventStore
    relay: Relay
    applied: Callable[[], Awaitable[int]]
    every: float = 0.2
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)
    marks: list[tuple[float, str]] = field(default_factory=list)

    async def watch(self, stop: asyncio.Event) -> None:
        """Sample until ``stop`` (a loop for ``wuyi_core.loops.running``)."""
        while not stop.is_set():
            head, relayed = await self.store.head(), await self.relay.position()
            self.samples.append((time.monotonic(), head, relayed, await self.applied()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.every)

    def mark(self, what: str) -> float:
        """Note a moment of the scenario (killed, restarted, ...); returns it."""
        now = time.monotonic()
        self.marks.append((now, what))
        return now

    def longest_stall(self, column: str) -> float:
        """The longest time ``column`` ("relayed" or "applied") stood still while behind the
        column before it (the log head, or what the relay had published)."""
        index = COLUMNS.index(column) + 1
        longest, since, last = 0.0, 0.0, -1.0
        for sample in self.samples:
            now, value, ahead = sample[0], sample[index], sample[index - 1]
            if value != last or value >= ahead:
                since = now
            longest = max(longest, now - since)
            last = value
        return round(longest, 1)

    def timeline(self, began: float) -> list[str]:
        return [f"{at - began:.1f}s {what}" for at, what in self.marks]


def troubles(records: list[logging.LogRecord]) -> list[str]:
    """Warnings and errors logged, by logger and exception (or message), most frequent first."""
    seen: Counter[str] = Counter()
    for r in records:
        if r.levelno < logging.WARNING:
            continue
        error = r.exc_info[1] if r.exc_info else None
        what = f"{type(error).__name__}: {error}" if error else r.getMessage()
        seen[f"{r.name}: {what[:160]}"] += 1
    return [f"{n}x {what}" for what, n in seen.most_common(15)]
