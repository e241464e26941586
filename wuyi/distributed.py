"""``wuyi serve SERVICE``: one service on PostgreSQL + Kafka, configured by ``WUYI_*``.

The API process also runs the relay (its log to ``wuyi.<service>.events``) and follows its own
log into its projections; replicas queue on the relay's lock, so running several is safe.
``--worker`` runs the same background loops without the API.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from rich.console import Console
from wuyi_contracts.catalog import SERVICES
from wuyi_core.auth import TokenService
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.relay import Relay
from wuyi_core.settings import WuyiSettings
from wuyi_registry.api.app import create_app as registry_app

from wuyi.runtime import Loop, follow, running
from wuyi.services import Services, open_postgres


def run_service(service: str, worker: bool, port: int | None, console: Console) -> None:
    settings = WuyiSettings()
    missing = [
        name
        for name, value in (
            ("WUYI_DATABASE_URL", settings.database_url),
            ("WUYI_KAFKA_BOOTSTRAP", settings.kafka_bootstrap),
            ("WUYI_JWT_SECRET", settings.jwt_secret),
        )
        if not value
    ]
    if service not in SERVICES:
        console.print(
            f"[red]未知服务 {service}[/red] / unknown service; known: {', '.join(SERVICES)}"
        )
        raise SystemExit(2)
    if missing:
        console.print(f"[red]缺少环境变量 / missing settings:[/red] {', '.join(missing)}")
        raise SystemExit(2)
    asyncio.run(_run(service, worker, port or settings.port, settings))


def relay_loop(relay: Relay) -> Loop:
    async def loop(stop: asyncio.Event) -> None:
        await relay.publisher.start()
        try:
            await relay.run(stop)
        finally:
            await relay.publisher.stop()

    return loop


async def _run(service: str, worker: bool, port: int, settings: WuyiSettings) -> None:
    assert settings.database_url and settings.kafka_bootstrap and settings.jwt_secret
    services = await open_postgres(settings.database_url)
    bus = KafkaBus(
        settings.kafka_bootstrap,
        SERVICES,
        prefix=settings.topic_prefix,
        partitions=settings.topic_partitions,
        replication=settings.topic_replication,
    )
    relay = Relay(services.stores[service], bus.publisher())
    await relay.migrate()
    loops = [relay_loop(relay), *(follow(p) for p in services.projectors.values())]
    try:
        if worker:
            await _until_signalled(loops)
        else:
            app = _api(services, service, TokenService(settings.jwt_secret), loops)
            config = uvicorn.Config(app, host=settings.host, port=port, log_level="info")
            await uvicorn.Server(config).serve()
    finally:
        await services.close()


def _api(services: Services, service: str, tokens: TokenService, loops: list[Loop]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with running(loops):
            yield

    root = FastAPI(title=f"Wuyi {service}", lifespan=lifespan, docs_url=None, openapi_url=None)
    root.mount(f"/{service}", registry_app(services.registry, tokens))
    return root


async def _until_signalled(loops: list[Loop]) -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    async with running(loops):
        await stopped.wait()
