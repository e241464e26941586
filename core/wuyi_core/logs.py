"""Structured JSON logs: one object per line, carrying the trace id of the current span and the
correlation id of the request, so a log line, its trace in Jaeger and the events it caused
(their metadata holds the same correlation id) can be joined.

``wuyi serve`` installs it (``WUYI_LOG_FORMAT=json``, the default there; ``text`` for a
terminal). Each request ends with one ``wuyi.requests`` line: method, route, status, duration.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "wuyi_correlation_id", default=None
)
CORRELATION_SCOPE_KEY = "wuyi.correlation_id"
CORRELATION_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
EXTRA = ("service", "http_method", "http_route", "http_status", "duration_ms")
requests_log = logging.getLogger("wuyi.requests")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            entry["trace_id"] = format(context.trace_id, "032x")
            entry["span_id"] = format(context.span_id, "016x")
        if (correlation_id := correlation.get()) is not None:
            entry["correlation_id"] = correlation_id
        for key in EXTRA:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(style: str | None = None) -> None:
    """Send every log record to stderr, as JSON unless ``style`` (or ``WUYI_LOG_FORMAT``) is
    ``text``."""
    style = style or os.environ.get("WUYI_LOG_FORMAT", "json")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if style == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


class RequestLog:
    """Pure ASGI: binds the request's correlation id (the caller's ``X-Correlation-ID`` or a new
    one, which ``http.correlation_id`` then gives the events) and logs the request's outcome."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-correlation-id")
        if given is None:
            given = str(uuid.uuid4())
            scope[CORRELATION_SCOPE_KEY] = given
        token = correlation.set(given if CORRELATION_ID.fullmatch(given) else None)
        status, started = 500, time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = route_template(scope)
            requests_log.info(
                "%s %s %s",
                scope["method"],
                route,
                status,
                extra={
                    "service": self.service,
                    "http_method": scope["method"],
                    "http_route": route,
                    "http_status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            correlation.reset(token)


def route_template(scope: Scope) -> str:
    """The matched route as a template (``/registry/v1/entities/{entity_id}``), like the
    ``http_route`` label of the request metrics, so ids never land in the route; the raw path
    when nothing matched."""
    template = getattr(scope.get("route"), "path_format", None)
    if not template:
        return str(scope["path"])
    segments = [s for s in str(scope["path"]).split("/") if s]
    prefix = segments[: max(0, len(segments) - len([s for s in template.split("/") if s]))]
    return "/" + "/".join([*prefix, *[s for s in template.split("/") if s]])
