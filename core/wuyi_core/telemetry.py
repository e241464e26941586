"""OpenTelemetry traces across HTTP and the bus, with W3C trace context.

A request continues the caller's ``traceparent`` header (or starts a trace); every event it
causes records the current ``traceparent`` in its metadata, which travels in the CloudEvents
envelope (and as a Kafka header); a consumer continues the trace of the event it handles. So one
trace follows a case from reporting's request to scoring's delisting, across processes.

Spans are exported over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the standard
OpenTelemetry variables apply); without it they are recorded but not sent anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("wuyi")


def configure(service: str = "wuyi") -> None:
    """Install the SDK's tracer provider once per process (so trace ids are real)."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def traceparent() -> str | None:
    """The current span as a W3C ``traceparent``, for the events it causes."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent")


@contextmanager
def span(name: str, parent: str | None, kind: SpanKind) -> Iterator[Span]:
    """A span continuing ``parent`` (a ``traceparent``), or a new trace without one."""
    context = _propagator.extract({"traceparent": parent}) if parent else None
    with _tracer.start_as_current_span(name, context=context, kind=kind) as current:
        yield current


__all__ = ["SpanKind", "configure", "span", "traceparent"]
