"""The embedded deployment: every service and the dashboard in one process, on SQLite files in
one data folder."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from wuyi_core.auth import Principal, TokenService
from wuyi_core.clock import Clock
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.eventstore.records import new_id
from wuyi_core.loops import every, follow, root_app
from wuyi_dashboard import create_dashboard
from wuyi_dashboard.accounts.api import create_accounts_app
from wuyi_dashboard.accounts.store import Accounts
from wuyi_notifier.api.app import create_app as notifier_app
from wuyi_notifier.worker import worker_loops as notifier_loops
from wuyi_registry.api.app import create_app as registry_app
from wuyi_registry.application.token_handlers import revoke_token
from wuyi_reporting.api.app import create_app as reporting_app
from wuyi_reporting.worker import deadline_loop, replica_loop
from wuyi_scoring.api.app import create_app as scoring_app
from wuyi_scoring.worker import worker_loops as scoring_loops

from wuyi.datadir import DataDir
from wuyi.services import Services, open_sqlite


def create_embedded_app(
    services: Services, tokens: TokenService, accounts: Accounts | None = None
) -> FastAPI:
    reads = services.reporting.reads

    async def known_scope(tenant: str, scope: str) -> bool:
        """An entity or grid of the tenant (the reporting service's replica of the registry)."""
        return (
            await reads.entity(tenant, scope) is not None
            or await reads.grid(tenant, scope) is not None
        )

    async def revoke(who: Principal) -> object:
        """Sign-out revokes the session's token (TokenRevoked, like ``wuyi token revoke``)."""
        assert who.jti is not None
        return await revoke_token(services.registry.store, who, new_id(), who.jti)

    loops = [follow(p) for p in services.projectors.values()]
    loops += [
        replica_loop(services.reporting, services.embedded_bus()),
        deadline_loop(services.reporting),
        *scoring_loops(services.scoring, services.embedded_bus()),
        *notifier_loops(services.notifier, services.embedded_bus()),
        *(every(f"audit:{s}", 1.0, c.checkpoint) for s, c in services.checkpointers().items()),
    ]
    mounts = {
        **(
            {
                "/auth": create_accounts_app(
                    accounts, tokens, known_scope, services.reporting.store.db, revoke=revoke
                )
            }
            if accounts
            else {}
        ),
        "/registry": registry_app(services.registry, tokens),
        "/reporting": reporting_app(services.reporting, tokens),
        "/scoring": scoring_app(services.scoring, tokens),
        "/notifier": notifier_app(services.notifier, tokens),
        "/": create_dashboard(services=list(services.stores)),
    }
    return root_app("Wuyi (无疫)", mounts, loops)


async def open_embedded(path: Path, clock: Clock | None = None) -> tuple[Services, TokenService]:
    data = DataDir(path).ensure()
    return await open_sqlite(data, clock), TokenService(data.jwt_secret(), clock)


async def open_accounts(path: Path) -> Accounts:
    """The embedded deployment's user accounts: ``accounts.db`` in the data folder."""
    return await Accounts(await SQLiteDatabase.open(DataDir(path).database("accounts"))).migrate()
