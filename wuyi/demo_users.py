"""The demo's user accounts: one per role (and a level-2 grid leader), each with a fresh
password at every ``wuyi up --demo``, printed at start."""

from __future__ import annotations

from datetime import UTC, datetime

from wuyi_core.auth import Role
from wuyi_dashboard.accounts.passwords import hash_password, new_password
from wuyi_dashboard.accounts.store import Accounts

from wuyi.demo import TENANT
from wuyi.services import Services


async def demo_users(services: Services, accounts: Accounts) -> list[tuple[str, str, str]]:
    """(username, role label, password) of each demo user, created or given a new password."""
    reads = services.reporting.reads
    grids = await reads.all_grids(TENANT)
    grid = next(g for g in grids if g["level"] == 3)
    leader = grid["parent_grid_id"]
    village, township, *_ = await reads.lineage(TENANT, grid["entity_id"])
    people = [
        ("admin", "县级管理员 / county admin", Role.COUNTY_ADMIN, None),
        ("evaluator", "县级评定人员 / county evaluator", Role.COUNTY_EVALUATOR, None),
        ("reviewer", "乡镇审核人员 / township reviewer", Role.TOWNSHIP_REVIEWER, township),
        ("village", "村（社区）管理员 / entity admin", Role.ENTITY_ADMIN, village),
        ("grid", "三级网格员 / level-3 grid worker", Role.GRID_MEMBER, grid["id"]),
        ("leader", "二级网格长 / level-2 grid leader", Role.GRID_MEMBER, leader),
    ]
    printed = []
    for username, label, role, scope in people:
        password = new_password()
        encoded = hash_password(password)
        if await accounts.get(TENANT, username):
            await accounts.set_password(TENANT, username, encoded)
        else:
            name = label.split(" / ")[0]
            await accounts.create(
                TENANT, username, name, role, scope, encoded, datetime.now(UTC), "demo"
            )
        printed.append((username, label, password))
    return printed
