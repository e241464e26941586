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

from wuyi.datadir import DataDir
from wuyi.runtime import follow, running
from wuyi.services import Services, open_sqlite


def create_embedded_app(services: Services, tokens: TokenService) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with running([follow(p) for p in services.projectors.values()]):
            yield

    root = FastAPI(
        title="Wuyi (无疫)", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    root.mount("/registry", registry_app(services.registry, tokens))
    root.mount("/", create_dashboard(services=list(services.stores)))
    return root


async def open_embedded(path: Path, clock: Clock | None = None) -> tuple[Services, TokenService]:
    data = DataDir(path).ensure()
    return await open_sqlite(data, clock), TokenService(data.jwt_secret(), clock)
