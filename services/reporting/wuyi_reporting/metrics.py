"""Reporting's metrics for the county's dashboards and alerts: missed reports as they are
recorded, and today's completeness per township (deploy/grafana, deploy/prometheus)."""

from __future__ import annotations

from opentelemetry import metrics

_meter = metrics.get_meter("wuyi.reporting")
missed_reports = _meter.create_counter(
    "wuyi.reporting.missed_reports",
    description="missed daily reports recorded, by tenant and level",
)
completeness = _meter.create_gauge(
    "wuyi.reporting.completeness.ratio",
    description="share of today's expected reports received so far, per township",
)
