"""The demo county generator: a synthetic county built through the services' public commands.

Names are generated from syllables; people are placeholders (no real person, numbers in the
reserved 1380000xxxx block). The history is back-dated: the generator runs the services on a
clock it moves from ``days`` ago to yesterday. Re-running on a seeded deployment adds nothing:
entities and grids are keyed by code, and the reporting chapter is told once per tenant. Each
service extends this story with its own events so the demo always shows the whole campaign.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from wuyi_core.auth import Principal, Role
from wuyi_core.clock import SettableClock
from wuyi_core.eventstore.records import new_id
from wuyi_notifier.worker import consumers as notifier_consumers
from wuyi_registry.application.roster_import import import_rows
from wuyi_reporting.domain.settings import ReportingSettings

from wuyi.demo_reporting import catch_up_replica, tell
from wuyi.demo_scoring import tell_scoring
from wuyi.services import Services, services_for

TENANT = "demo"
_FIRST = "东西南北安和平康宁泰永兴福新清华"
_SECOND = "山水林田湖河桥溪岭坪湾塘园岗"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSize:
    townships: int = 3
    villages: int = 4
    grids: int = 3
    days: int = 21

    @property
    def rows(self) -> int:
        per_village = 2 + self.grids  # village, its level-2 grid, its level-3 grids
        return 2 + self.townships * (2 + self.villages * per_village)


# The demo county's centre (a made-up place in the hills of western Fujian) and how far its
# townships and villages lie from their centre, in degrees; web/src/components/charts/
# demo-county.json draws the schematic outline around them.
CENTRE = (116.9, 26.25)
TOWNSHIP_RING = 0.12
VILLAGE_RING = 0.045


def spot(t: int, townships: int, v: int | None = None, villages: int = 1) -> dict[str, str]:
    """Roster cells 经度/纬度 of township ``t`` (``v`` None) or of its village ``v``: townships
    on a ring around the centre, villages on a small ring around their township."""
    angle = 2 * math.pi * t / max(townships, 1) + math.pi / 2
    lon = CENTRE[0] + TOWNSHIP_RING * math.cos(angle) * 1.1
    lat = CENTRE[1] + TOWNSHIP_RING * math.sin(angle)
    if v is not None:
        turn = angle + 2 * math.pi * v / max(villages, 1) + math.pi / 4
        lon += VILLAGE_RING * math.cos(turn) * 1.1
        lat += VILLAGE_RING * math.sin(turn)
    return {"lon": f"{lon:.4f}", "lat": f"{lat:.4f}"}


def place(n: int) -> str:
    return _FIRST[n % len(_FIRST)] + _SECOND[(n // len(_FIRST)) % len(_SECOND)]


def roster(size: DemoSize) -> list[tuple[int, dict[str, str]]]:
    """The county as roster rows (the same shape a clerk's import file has)."""
    centre = {"lon": f"{CENTRE[0]:.4f}", "lat": f"{CENTRE[1]:.4f}"}
    rows = [{"record": "entity", "code": "D", "name": "示范县", "kind": "county", **centre}]
    for t in range(size.townships):
        tc = f"D{t:02d}"
        rows += [
            {
                "record": "entity",
                "code": tc,
                "name": f"{place(t)}镇",
                "kind": "township",
                "parent_code": "D",
                **spot(t, size.townships),
            },
            {
                "record": "grid",
                "code": f"G{tc}",
                "name": f"{place(t)}镇一级网格",
                "level": "1",
                "entity_code": tc,
            },
        ]
        for v in range(size.villages):
            vc = f"{tc}{v:02d}"
            kind = "community" if v % 3 == 2 else "village"
            suffix = "社区" if kind == "community" else "村"
            rows += [
                {
                    "record": "entity",
                    "code": vc,
                    "name": f"{place(t * 7 + v + 3)}{suffix}",
                    "kind": kind,
                    "parent_code": tc,
                    "contact_name": f"联络员{vc}",
                    "contact_phone": f"1380000{int(vc[1:]) % 10000:04d}",
                    **spot(t, size.townships, v, size.villages),
                },
                {
                    "record": "grid",
                    "code": f"G{vc}",
                    "name": f"{place(t * 7 + v + 3)}二级网格",
                    "level": "2",
                    "entity_code": vc,
                    "parent_code": f"G{tc}",
                },
            ]
            rows += [
                {
                    "record": "grid",
                    "code": f"G{vc}{g:02d}",
                    "name": f"第{g + 1}网格",
                    "level": "3",
                    "entity_code": vc,
                    "parent_code": f"G{vc}",
                    "households": str(10 + (g * 3) % 11),
                }
                for g in range(size.grids)
            ]
    rows.append(
        {
            "record": "entity",
            "code": "DU1",
            "name": "县卫生健康局",
            "kind": "unit",
            "parent_code": "D",
            "lon": f"{CENTRE[0] + 0.01:.4f}",
            "lat": f"{CENTRE[1] - 0.008:.4f}",
        }
    )
    return list(enumerate(rows, start=2))


async def seed(
    services: Services, clock: SettableClock, size: DemoSize, progress: Progress | None = None
) -> dict[str, int]:
    """Build (or complete) the demo county with ``size.days`` days of history ending yesterday;
    ``services`` must run on ``clock``. Returns the registry rows accepted/skipped/rejected."""
    start = datetime.now(services_zone()).date() - timedelta(days=size.days)
    clock.set(datetime.combine(start, time(7), services_zone()))
    admin = Principal(sub="demo-generator", tenant=TENANT, role=Role.COUNTY_ADMIN, scope=None)

    def step(done: int, total: int) -> None:
        if progress:
            progress("registry", done, total)

    results = await import_rows(services.registry, admin, new_id(), roster(size), step)
    rejected = [r for r in results if r.status == "rejected"]
    if rejected:
        raise RuntimeError(f"demo rows rejected: {rejected[:3]}")
    await catch_up_replica(services.reporting, services.embedded_bus())
    await tell(services.reporting, clock, TENANT, start, size.days, progress)
    await tell_scoring(services, clock, TENANT, start, size.days, progress)
    for runner in notifier_consumers(services.notifier, services.embedded_bus()):
        if runner.subscription is not None:  # the story's inbox items, before serving
            await runner.drain()
    return {s: sum(r.status == s for r in results) for s in ("accepted", "skipped", "rejected")}


def services_zone() -> ZoneInfo:
    return ReportingSettings().zone


@asynccontextmanager
async def seeding_services(data: Path | None) -> AsyncIterator[tuple[Services, SettableClock]]:
    """The deployment opened on a clock the generator moves through the demo's history."""
    clock = SettableClock(datetime.now(services_zone()))
    async with services_for(data, clock) as services:
        yield services, clock
