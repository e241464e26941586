"""``wuyi serve SERVICE``: one service on PostgreSQL + Kafka, configured by ``WUYI_*``.

The API process also runs the relay (its log to ``wuyi.<service>.events``) and follows its own
log into its projections; replicas queue on the relay's lock, so running several is safe.
Events are hashed with the keys of ``WUYI_AUDIT_KEYS``, required; the relay signs checkpoints
into ``WUYI_AUDIT_CHECKPOINT_DIR`` when it is set. Every worker re-verifies its service's chain
every ``WUYI_AUDIT_VERIFY_SECONDS`` (``wuyi_audit_chain_broken``, core/wuyi_core/audit_watch.py).
``--worker`` runs the service's worker: for the registry the same loops without the API; for
reporting the faust-streaming worker (registry replica from Kafka, deadline and eligibility
sweeps) plus relay and projections; for scoring plain aiokafka consumers (registry replica and
the delisting policy, each committing its offsets after its database commit) and the
rectification-deadline sweep; for the notifier plain aiokafka consumers (registry replica and
its policy), the sender of pending deliveries and the escalation sweep. Sweeps are idempotent
and the sender claims under a lock, so workers can be replicated.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

import uvicorn
from fastapi import FastAPI
from rich.console import Console
from wuyi_core import logs
from wuyi_core.audit_watch import audit_loop
from wuyi_core.auth import TokenService
from wuyi_core.bus.kafka import KafkaBus
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_core.eventstore import EventStore
from wuyi_core.eventstore.checkpoints import Checkpointer
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.loops import Loop, follow, named, root_app, running
from wuyi_core.probes import Check, ProbeServer
from wuyi_core.relay import Relay
from wuyi_core.settings import WuyiSettings
from wuyi_dashboard.oidc.config import OidcConfig
from wuyi_notifier.api.app import create_app as notifier_app
from wuyi_notifier.bootstrap import build_notifier
from wuyi_notifier.worker import worker_loops as notifier_worker_loops
from wuyi_registry.api.app import create_app as registry_app
from wuyi_registry.bootstrap import build_registry
from wuyi_reporting.api.app import create_app as reporting_app
from wuyi_reporting.bootstrap import Reporting, build_reporting
from wuyi_scoring.api.app import create_app as scoring_app
from wuyi_scoring.bootstrap import build_scoring
from wuyi_scoring.worker import worker_loops as scoring_worker_loops

from wuyi.services import distributed_checkpoint_logs, distributed_keyring
from wuyi.web_signin import web_mounts

SERVED = ("registry", "reporting", "scoring", "notifier")


def run_service(service: str, worker: bool, port: int | None, console: Console) -> None:
    settings = WuyiSettings()
    missing = [
        name
        for name, value in (
            ("WUYI_DATABASE_URL", settings.database_url),
            ("WUYI_KAFKA_BOOTSTRAP", settings.kafka_bootstrap),
            ("WUYI_JWT_SECRET", settings.jwt_secret),
            ("WUYI_AUDIT_KEYS", Keyring.from_environment()),
        )
        if not value
    ]
    if service not in SERVED:
        console.print(
            f"[red]未知服务 {service}[/red] / unknown service; known: {', '.join(SERVED)}"
        )
        raise SystemExit(2)
    if missing:
        console.print(f"[red]缺少环境变量 / missing settings:[/red] {', '.join(missing)}")
        raise SystemExit(2)
    try:
        OidcConfig.from_settings(settings)
    except ValueError as err:
        console.print(f"[red]统一身份认证配置有误 / OIDC settings:[/red] {err}")
        raise SystemExit(2) from None
    logs.configure()  # JSON lines with trace and correlation ids (WUYI_LOG_FORMAT=text: plain)
    if service == "reporting" and worker:
        _run_reporting_worker(settings)
        return
    asyncio.run(_run(service, worker, port or settings.port, settings))


def _run_reporting_worker(settings: WuyiSettings) -> None:
    """The reporting worker runs on faust-streaming: its agents call the same handlers."""
    from wuyi_reporting.agents import create_worker_app

    assert settings.database_url and settings.kafka_bootstrap
    bus = KafkaBus.from_settings(settings)

    async def build() -> Reporting:
        await bus.ensure_topics()
        return await build_reporting(
            await PostgresDatabase.open(settings.database_url or "", "reporting"),
            keyring=distributed_keyring(),
        )

    async def background(reporting: Reporting, stop: asyncio.Event) -> None:
        if probes is not None:
            probes.db = reporting.store.db
        relay = Relay(
            reporting.store,
            bus.publisher(),
            service="reporting",
            checkpointer=checkpointer("reporting", reporting.store),
        )
        await relay.migrate()
        loops = [relay_loop(relay), *(follow(p) for p in reporting.projectors.values())]
        loops += audit_watch("reporting", reporting.store, settings)
        async with running(loops):
            await stop.wait()

    app = create_worker_app(settings, build, background)
    probes = worker_probes("reporting", settings, None, checks=(faust_group_check(app),))
    if probes is not None:
        app.task(probes.start)  # first, so the worker is alive (not ready) while it builds
    reporting_worker(app).execute_from_commandline()


def reporting_worker(app: Any) -> Any:
    """The faust worker, logging through ``logs.configure``'s handler (JSON lines with the
    trace and correlation ids) instead of installing its own format: mode's logging setup, the
    stdout redirection and the terminal spinner are turned off; faust's and mode's own loggers
    keep the level the worker had (warnings and errors)."""
    from faust.worker import Worker

    worker = Worker(app, quiet=True, override_logging=False, redirect_stdouts=False)
    worker.spinner = None
    for name in ("faust", "mode"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return worker


def worker_probes(
    service: str,
    settings: WuyiSettings,
    db: PostgresDatabase | None,
    checks: tuple[Check, ...] = (),
) -> ProbeServer | None:
    """The worker's /health, /ready and /metrics server, when ``WUYI_PROBE_PORT`` is set."""
    if settings.probe_port is None:
        return None
    return ProbeServer(service, db, host=settings.host, port=settings.probe_port, checks=checks)


def faust_group_check(app: Any) -> Check:
    """The faust worker's Kafka state: its consumer group joined once, and not rebalancing."""

    def check() -> dict[str, str]:
        if not app.rebalancing_count:
            return {"kafka": "consumer group not joined yet"}
        if app.rebalancing:
            return {"kafka": "consumer group rebalancing"}
        return {}

    return check


def checkpointer(service: str, store: EventStore) -> Checkpointer | None:
    """The relay's checkpointer, when ``WUYI_AUDIT_CHECKPOINT_DIR`` names a folder."""
    log = distributed_checkpoint_logs().get(service)
    return None if log is None else Checkpointer(service, store, log)


def audit_watch(service: str, store: EventStore, settings: WuyiSettings) -> list[Loop]:
    """A worker's periodic audit verification (``wuyi_audit_chain_broken``), unless turned off."""
    if settings.audit_verify_seconds <= 0:
        return []
    log = distributed_checkpoint_logs().get(service)
    return [audit_loop(service, store, log, settings.audit_verify_seconds)]


def relay_loop(relay: Relay) -> Loop:
    async def loop(stop: asyncio.Event) -> None:
        await relay.publisher.start()
        try:
            await relay.run(stop)
        finally:
            await relay.publisher.stop()

    return named(f"relay:{relay.service}", loop)


async def _parts(
    service: str,
    worker: bool,
    db: PostgresDatabase,
    bus: KafkaBus,
    tokens: TokenService,
    settings: WuyiSettings,
) -> tuple[dict[str, FastAPI], EventStore, list[Loop]]:
    """The process's mounts (``/<service>``; the registry's also the web app and its sign-in
    when OIDC is configured: ``web_signin.py``), its store and its loops."""
    keyring = distributed_keyring()
    if service == "registry":
        registry = await build_registry(db, keyring=keyring)
        assert settings.jwt_secret
        web = web_mounts(registry, tokens, settings.jwt_secret, OidcConfig.from_settings(settings))
        mounts = {"/registry": registry_app(registry, tokens), **web}
        return mounts, registry.store, [follow(registry.projector)]
    if service == "scoring":
        scoring = await build_scoring(db, keyring=keyring)
        loops = [follow(p) for p in scoring.projectors.values()]
        if worker:
            loops += scoring_worker_loops(scoring, bus)
        return {"/scoring": scoring_app(scoring, tokens)}, scoring.store, loops
    if service == "notifier":
        notifier = await build_notifier(db, keyring=keyring)
        return (
            {"/notifier": notifier_app(notifier, tokens)},
            notifier.store,
            (notifier_worker_loops(notifier, bus) if worker else []),
        )
    # reporting: its replica and sweeps run in the faust worker
    reporting = await build_reporting(db, keyring=keyring)
    return (
        {"/reporting": reporting_app(reporting, tokens)},
        reporting.store,
        [follow(p) for p in reporting.projectors.values()],
    )


async def _run(service: str, worker: bool, port: int, settings: WuyiSettings) -> None:
    assert settings.database_url and settings.kafka_bootstrap and settings.jwt_secret
    db = await PostgresDatabase.open(settings.database_url, service)
    bus = KafkaBus.from_settings(settings)
    tokens = TokenService(settings.jwt_secret)
    mounts, store, loops = await _parts(service, worker, db, bus, tokens, settings)
    relay = Relay(
        store, bus.publisher(), service=service, checkpointer=checkpointer(service, store)
    )
    await relay.migrate()
    loops.append(relay_loop(relay))
    if worker:
        loops += audit_watch(service, store, settings)
    probes = worker_probes(service, settings, db) if worker else None
    try:
        if probes is not None:
            await probes.start()
        if worker:
            await _until_signalled(loops)
        else:
            config = uvicorn.Config(
                root_app(f"Wuyi {service}", mounts, loops),
                host=settings.host,
                port=port,
                log_level="info",
                log_config=None,  # uvicorn's records go through logs.configure's handler
                access_log=False,  # RequestLog writes one line per request, with its ids
            )
            await uvicorn.Server(config).serve()
    finally:
        if probes is not None:
            await probes.stop()
        await db.close()


async def _until_signalled(loops: list[Loop]) -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopped.set)
    async with running(loops):
        await stopped.wait()
