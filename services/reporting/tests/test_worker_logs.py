"""The reporting worker runs on faust, whose worker installs its own log format when it starts.
Issue #13 asks "Structured JSON logs carry the trace id and correlation id": the faust worker as
``wuyi serve reporting --worker`` builds it (``wuyi.distributed.reporting_worker``) keeps our
JSON handler through its start, and a line logged while an event is handled carries the event's
trace id and correlation id."""

from __future__ import annotations

import io
import json
import logging
import signal
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import faust
import pytest
from wuyi_contracts.envelope import Envelope
from wuyi_core import logs, telemetry
from wuyi_core.bus.port import Delivery
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.port import AbstractConnection

from core.tests.faults.events import an_envelope
from wuyi.distributed import reporting_worker

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """``logs.configure`` writing to a captured stderr; the root logger restored afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("faust", "mode")}
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    logs.configure("json")
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, previous in levels.items():
            logging.getLogger(name).setLevel(previous)


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_the_faust_worker_logs_json_lines_with_the_events_trace_and_correlation_ids(
    db, stderr
):
    telemetry.configure()
    app = faust.App(f"logs-test-{uuid.uuid4().hex[:6]}", broker="kafka://127.0.0.1:1")
    worker = reporting_worker(app)
    await worker.default_on_first_start()  # where mode installs its logging when it is asked to
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGUSR1):
        worker.loop.remove_signal_handler(sig)

    async def handle(envelope: Envelope, conn: AbstractConnection) -> None:
        logging.getLogger("faust.agents").warning("handling %s", envelope.id)

    runner = ConsumerRunner("reporting.registry-replica", db, None, handle)
    await runner.migrate()
    envelope = an_envelope().model_copy(
        update={"correlationid": "corr-faust-7", "traceparent": TRACEPARENT}
    )
    await runner.process(Delivery(envelope))
    logging.getLogger("faust.worker").warning("faust's own line")
    logging.getLogger("faust.worker").info("below the worker's level")

    lines = json_lines(stderr)  # every line is a JSON object: no faust format, no spinner
    [handling] = [line for line in lines if line["message"] == f"handling {envelope.id}"]
    assert handling["logger"] == "faust.agents" and handling["level"] == "WARNING"
    assert handling["trace_id"] == TRACE_ID
    assert handling["correlation_id"] == "corr-faust-7"
    [own] = [line for line in lines if line["message"] == "faust's own line"]
    assert "correlation_id" not in own  # the event's id does not leak past its handling
    assert not [line for line in lines if line["message"] == "below the worker's level"]
