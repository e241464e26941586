"""The notifier's metrics: deliveries by channel and outcome, and their latency."""

from __future__ import annotations

from opentelemetry import metrics

_meter = metrics.get_meter("wuyi.notifier")
deliveries = _meter.create_counter(
    "wuyi.notifier.deliveries", description="delivery attempts by channel and outcome"
)
latency = _meter.create_histogram(
    "wuyi.notifier.delivery.latency", unit="ms", description="time a delivery attempt took"
)


def attempt(channel: str, outcome: str, latency_ms: int | None = None) -> None:
    deliveries.add(1, {"channel": channel, "outcome": outcome})
    if latency_ms is not None:
        latency.record(latency_ms, {"channel": channel})
