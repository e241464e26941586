"""The embedded deployment: every service and the dashboard in one process, on SQLite files in
one data folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from wuyi_core.auth import TokenService
from wuyi_core.clock import Clock
from wuyi_dashboard import create_dashboard
from wuyi_registry.api.app import create_app as registry_app
from wuyi_reporting.api.app import create_app as reporting_app
from wuyi_reporting.worker import deadline_loop, replica_loop

from wuyi.datadir import DataDir
from wuyi.runtime import follow, running
from wuyi.services import Services, open_sqlite


def create_embedded_app(services: Services, tokens: TokenService) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        loops = [follow(p) for p in services.projectors.values()]
        loops += [
            replica_loop(services.reporting, services.embedded_bus()),
            deadline_loop(services.reporting),
        ]
        async with running(loops):
            yield

    root = FastAPI(
        title="Wuyi (无疫)", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    root.mount("/registry", registry_app(services.registry, tokens))
    root.mount("/reporting", reporting_app(services.reporting, tokens))
    root.mount("/", create_dashboard(services=list(services.stores)))
    return root


async def open_embedded(path: Path, clock: Clock | None = None) -> tuple[Services, TokenService]:
    data = DataDir(path).ensure()
    return await open_sqlite(data, clock), TokenService(data.jwt_secret(), clock)
