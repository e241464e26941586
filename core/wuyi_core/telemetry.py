"""OpenTelemetry traces across HTTP and the bus, with W3C trace context, and metrics.

A request continues the caller's ``traceparent`` header, or starts a trace (FastAPI's own
telemetry makes the server span); every event it causes records the current ``traceparent`` in
its metadata, which travels in the CloudEvents envelope (and as a Kafka header); a consumer
continues the trace of the event it handles. So one trace follows a case from reporting's
request to scoring's delisting, across processes.

Metrics: request durations by route and status (FastAPI's); events each consumer applied,
skipped as duplicates or parked as dead letters; consumer lag and relay lag (events not yet
handled or published). Every service serves them at ``/<service>/metrics`` (Prometheus text).

Spans and metrics are exported over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the
standard OpenTelemetry variables apply); without it spans are recorded but not sent anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import metrics, trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import MetricReader, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("wuyi")
_meter = metrics.get_meter("wuyi")
consumer_events = _meter.create_counter(
    "wuyi.consumer.events", description="events a consumer applied, skipped or parked"
)
consumer_lag = _meter.create_gauge(
    "wuyi.consumer.lag", description="events published but not yet handled by a consumer"
)
relay_lag = _meter.create_gauge(
    "wuyi.relay.lag", description="events in a service's log not yet published to the bus"
)
relay_stalled = _meter.create_gauge(
    "wuyi.relay.stalled", description="1 while a relay is stopped at an event it cannot publish"
)
loop_restarts = _meter.create_counter(
    "wuyi.loop.restarts", description="background loops restarted after an unexpected error"
)
audit_chain_broken = _meter.create_gauge(
    "wuyi.audit.chain.broken",
    description="1 when a service's hash chain or signed checkpoint last failed verification",
)


def configure(service: str = "wuyi") -> None:
    """Install the SDK's tracer provider once per process (so trace ids are real)."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    resource = Resource.create({"service.name": service})
    provider = TracerProvider(resource=resource)
    readers: list[MetricReader] = [PrometheusMetricReader()]
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    trace.set_tracer_provider(provider)
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))


def prometheus_text() -> bytes:
    """This process's metrics in Prometheus text format."""
    from prometheus_client import generate_latest

    return generate_latest()


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


__all__ = [
    "SpanKind",
    "audit_chain_broken",
    "configure",
    "consumer_events",
    "consumer_lag",
    "prometheus_text",
    "loop_restarts",
    "relay_lag",
    "relay_stalled",
    "span",
    "traceparent",
]
