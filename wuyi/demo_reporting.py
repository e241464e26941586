"""The demo's reporting chapter: days of grid reports (mostly on time, some late, some missing),
a confirmed case that was lifted, a recent close contact, and complaints, so the completeness
and eligibility views have a story to show.

History is written through the reporting commands with the clock set back day by day; the
outcome is decided by a fixed rule on each grid and day, so the same size gives the same story.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from wuyi_core.auth import Principal, Role
from wuyi_core.bus.port import AbstractBus
from wuyi_core.clock import SettableClock
from wuyi_core.eventstore.records import new_id
from wuyi_reporting.application import cases, commands, complaints, reports, settings
from wuyi_reporting.application.eligibility import sweep
from wuyi_reporting.application.missed import sweep_missed
from wuyi_reporting.bootstrap import Reporting, registry_replica

Progress = Callable[[str, int, int], None]


def outcome(village: int, grid: int, day: int) -> str:
    """on_time, late or missing. Every fourth village has a grid that misses a report every
    fifth day (so it never becomes eligible); lateness is spread everywhere (it does not cost
    eligibility, only timeliness)."""
    if village % 4 == 3 and grid == 0 and day % 5 == 2:
        return "missing"
    return "late" if (village + grid + day) % 7 == 3 else "on_time"


async def catch_up_replica(rep: Reporting, bus: AbstractBus) -> None:
    await registry_replica(rep, bus).drain()


async def tell(
    rep: Reporting,
    clock: SettableClock,
    tenant: str,
    start: date,
    days: int,
    progress: Progress | None = None,
) -> bool:
    """Write the reporting story from ``start`` for ``days`` days; False if already told."""
    admin = Principal("demo-generator", tenant, Role.COUNTY_ADMIN, None)
    _, version = await rep.reads.settings(tenant)
    if version:
        return False
    cid = new_id()
    zone = (await rep.reads.settings(tenant))[0].zone
    clock.set(datetime.combine(start, time(8), zone))
    await settings.change_settings(rep, admin, cid, commands.ChangeSettings())
    grids = await rep.reads.all_grids(tenant)
    names = {
        e: (await rep.reads.entity(tenant, e) or {}).get("name", e)
        for e in {g["entity_id"] for g in grids}
    }
    villages = sorted(names, key=lambda e: (names[e], e))
    placed = [(villages.index(g["entity_id"]), g) for g in grids]
    placed.sort(key=lambda vg: (vg[0], vg[1]["level"], vg[1]["name"]))
    outbreak: dict[str, str] = {}
    for n in range(days):
        day = start + timedelta(days=n)
        due = []
        for i, (village, grid) in enumerate(placed):
            result = outcome(village, i - _first_of(placed, village), n)
            if result == "missing":
                continue
            deadline = time(17 if grid["level"] == 3 else 18)
            hour = deadline.hour - 1 if result == "on_time" else deadline.hour + 1
            due.append((datetime.combine(day, time(hour, (i * 7) % 60), zone), i, grid))
        # In the order of the day: a level-2 report rolls up what its level-3 grids sent before.
        for moment, i, grid in sorted(due, key=lambda d: (d[0], d[1])):
            clock.set(moment)
            member = Principal(f"grid-member-{i}", tenant, Role.GRID_MEMBER, grid["id"])
            cmd = commands.SubmitGridReport(grid_id=grid["id"], date=day, zero=True)
            await reports.submit_report(rep, member, cid, cmd)
        clock.set(datetime.combine(day, time(18, 5), zone))
        await sweep_missed(rep)
        await _incidents(rep, admin, cid, villages, n, day, days, outbreak)
        if progress:
            progress("reporting", n + 1, days)
    clock.set(datetime.combine(start + timedelta(days=days), time(8), zone))
    await sweep(rep)
    return True


def _first_of(placed: list[tuple[int, dict[str, str]]], village: int) -> int:
    return next(i for i, (v, _) in enumerate(placed) if v == village)


async def _incidents(
    rep: Reporting,
    admin: Principal,
    cid: str,
    villages: list[str],
    n: int,
    day: date,
    days: int,
    outbreak: dict[str, str],
) -> None:
    """Day 1: a confirmed case, lifted on day 6; three days before the end: a close contact
    elsewhere; two days before the end: one complaint verified, one dismissed."""
    if len(villages) < 3:
        return
    if n == 1:
        case = await cases.report_case(
            rep, admin, cid, commands.ReportCase(entity_id=villages[0], kind="confirmed", date=day)
        )
        outbreak["case"] = case["id"]
    if n == 6 and "case" in outbreak:
        await cases.lift_case(rep, admin, cid, outbreak["case"], commands.LiftCase(note="疫情解除"))
    if n == days - 3:
        await cases.report_case(
            rep,
            admin,
            cid,
            commands.ReportCase(entity_id=villages[1], kind="close_contact", date=day),
        )
    if n == days - 2:
        for verified, village in ((True, villages[2]), (False, villages[1])):
            complaint = await complaints.register_complaint(
                rep,
                admin,
                cid,
                commands.RegisterComplaint(
                    entity_id=village, summary="群众反映卡口值守不到位（示例）", source="12345"
                ),
            )
            await complaints.verify_complaint(
                rep,
                admin,
                cid,
                complaint["id"],
                commands.VerifyComplaint(verified=verified, note="示例核查意见"),
            )
