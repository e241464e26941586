"""The distributed reporting worker on faust-streaming.

Topics and timers are declared here; the agents stay thin and call the same handlers the
embedded bus calls (the registry replica consumer, the missed-report and eligibility sweeps).

Trap, seen with faust-streaming 0.15.3: when an agent raises, faust restarts it and commits the
failing message's offset anyway, so a restarted worker never sees it again. The agent therefore
never raises: ``ConsumerRunner.process`` returns only once the event's effect or its parking
in ``dead_letters`` has committed, waiting out a database outage for as long as it lasts, and a
record that is not an envelope is parked as it came. Only then does the stream move on.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import faust
from wuyi_contracts.catalog import topic_for
from wuyi_core import telemetry
from wuyi_core.bus.kafka import decode
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.registry_replica import apply_registry_event
from wuyi_core.settings import WuyiSettings

from wuyi_reporting.application.eligibility import sweep
from wuyi_reporting.application.missed import sweep_missed
from wuyi_reporting.application.township_completeness import measure_completeness
from wuyi_reporting.bootstrap import REPLICA, Reporting

log = logging.getLogger(__name__)


def create_worker_app(
    settings: WuyiSettings,
    build: Callable[[], Awaitable[Reporting]],
    background: Callable[[Reporting, asyncio.Event], Awaitable[None]],
) -> faust.App:
    """A faust app whose agents feed ``build()``'s service; ``background`` runs beside them
    (relay, projection followers) until the worker process ends."""
    datadir = Path(tempfile.gettempdir()) / "wuyi-faust"
    datadir.mkdir(exist_ok=True)  # faust makes only the last folder of the path
    app = faust.App(
        f"{settings.topic_prefix}wuyi-reporting-worker",
        broker=f"kafka://{settings.kafka_bootstrap}",
        value_serializer="raw",
        key_serializer="raw",
        store="memory://",
        # faust keeps table stores there; ours live in memory, so nothing lands in the cwd
        datadir=str(datadir / "{conf.id}"),
        web_enabled=False,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        # A worker killed outright holds its partitions until the broker gives up on it:
        # seconds, not faust's default minute, so a restarted or another worker takes over.
        broker_session_timeout=10.0,
        broker_rebalance_timeout=20.0,
    )
    registry_events = app.topic(
        topic_for("registry", settings.topic_prefix), value_serializer="raw", key_serializer="raw"
    )
    ready = asyncio.Event()
    holder: dict[str, Any] = {}
    stop = asyncio.Event()

    @app.task
    async def start_service() -> None:
        reporting = await build()
        holder["reporting"] = reporting
        holder["replica"] = ConsumerRunner(
            REPLICA, reporting.store.db, None, apply_registry_event, clock=reporting.clock
        )
        ready.set()
        holder["background"] = asyncio.ensure_future(background(reporting, stop))

    @app.agent(registry_events)
    async def registry_replica(stream: Any) -> None:
        await ready.wait()
        runner: ConsumerRunner = holder["replica"]
        lags: dict[Any, int] = {}
        async for event in stream.events():
            message = event.message
            await runner.process(
                decode(
                    message.topic, message.partition, message.offset, message.headers, event.value
                )
            )
            measure_lag(app, lags, message.tp, message.offset)

    @app.timer(interval=30.0)
    async def deadlines() -> None:
        if not ready.is_set():
            return
        try:
            await sweep_missed(holder["reporting"])
            await measure_completeness(holder["reporting"])
            await sweep(holder["reporting"], new_only=True)
        except Exception:  # a sweep failure must not stop the timer; the next tick retries
            log.exception("reporting sweep failed")

    @app.timer(interval=3600.0)
    async def eligibility() -> None:
        if ready.is_set():
            await sweep(holder["reporting"])

    return app


def measure_lag(app: faust.App, lags: dict[Any, int], tp: Any, offset: int) -> None:
    """``wuyi_consumer_lag`` of the replica, as the other consumers report theirs: the events
    after ``offset`` in the partitions this worker holds (its autoscaler reads the sum)."""
    try:
        lags[tp] = max(0, app.consumer.highwater(tp) - offset - 1)
        held = app.consumer.assignment()
        telemetry.consumer_lag.set(
            sum(lag for p, lag in lags.items() if p in held), {"consumer": REPLICA}
        )
    except Exception:  # a metric is not worth stopping the replica for
        log.debug("reporting replica: lag unknown", exc_info=True)
