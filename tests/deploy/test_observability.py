"""Alert rules and Grafana dashboards: valid PromQL (parsed by promql-parser, a port of
Prometheus's own parser; promtool is not installable here within the time budget), sound rule
structure, and every metric they name is one the services export.

"Export" is measured, not assumed: every instrument defined in the code (each module that
calls ``create_counter/gauge/histogram``) records once, an in-process registry app serves a
request, and the names come from the Prometheus text its ``/registry/metrics`` serves. A metric
renamed in code, or a typo in a rule or panel, fails here.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import promql_parser
import pytest
from fastapi import FastAPI
from opentelemetry.metrics import Counter, Histogram, UpDownCounter
from wuyi_core.auth import TokenService
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_registry.api.app import create_app
from wuyi_registry.bootstrap import build_registry

from tests.deploy.compose import DEPLOY, ROOT, load_yaml

ALERTS = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
SOURCES = [
    ROOT / "core" / "wuyi_core",
    *(ROOT / "services").glob("*/wuyi_*"),
    ROOT / "wuyi",
]
INSTRUMENT = re.compile(r"\.create_(counter|gauge|histogram|up_down_counter)\(")
DURATION = re.compile(r"^\d+[smhdw]$")


def _modules_with_instruments() -> Iterator[str]:
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            if INSTRUMENT.search(path.read_text(encoding="utf-8")):
                relative = path.relative_to(folder.parent).with_suffix("")
                yield ".".join(relative.parts)


async def exported_metric_names(tmp_path: Path) -> set[str]:
    db = await SQLiteDatabase.open(tmp_path / "registry.db")
    try:
        root = FastAPI()
        root.mount(
            "/registry",
            create_app(await build_registry(db), TokenService("deploy-test-secret-" + "x" * 32)),
        )
        transport = httpx.ASGITransport(app=root)
        async with httpx.AsyncClient(transport=transport, base_url="http://wuyi.test") as http:
            assert (await http.get("/registry/health")).status_code == 200
            modules = list(_modules_with_instruments())
            assert len(modules) >= 3, modules
            for name in modules:
                for value in vars(importlib.import_module(name)).values():
                    probe = {"probe": "deploy-test"}
                    if isinstance(value, Counter | UpDownCounter):
                        value.add(0, probe)
                    elif isinstance(value, Histogram):
                        value.record(0, probe)
                    elif hasattr(value, "set") and type(value).__name__.endswith("Gauge"):
                        value.set(0, probe)
            text = (await http.get("/registry/metrics")).text
    finally:
        await db.close()
    return {
        re.split(r"[{ ]", line, maxsplit=1)[0]
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


def metric_names(expr: Any) -> Iterator[str]:
    """Every metric a parsed PromQL expression selects."""
    if isinstance(expr, promql_parser.VectorSelector):
        if expr.name:
            yield expr.name
        return
    if isinstance(expr, promql_parser.MatrixSelector):
        yield from metric_names(expr.vector_selector)
        return
    for attribute in ("lhs", "rhs", "expr", "param"):
        child = getattr(expr, attribute, None)
        if child is not None:
            yield from metric_names(child)
    for child in getattr(expr, "args", None) or []:
        yield from metric_names(child)


def rules() -> list[dict[str, Any]]:
    return [rule for group in load_yaml(ALERTS)["groups"] for rule in group["rules"]]


def dashboard_exprs() -> Iterator[tuple[str, str]]:
    for path in DASHBOARDS:
        board = json.loads(path.read_text(encoding="utf-8"))
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                yield f"{path.name}: {panel['title']}", target["expr"]
        for variable in board.get("templating", {}).get("list", []):
            match = re.match(r"label_values\((\w+),", variable.get("query", ""))
            if match:
                yield f"{path.name}: ${variable['name']}", match[1]


@pytest.fixture(scope="module")
def used() -> dict[str, set[str]]:
    """Metric name -> where it is used (alert names and dashboard panels)."""
    where: dict[str, set[str]] = {}
    sources = [(f"alert {r['alert']}", r["expr"]) for r in rules()] + list(dashboard_exprs())
    for place, expr in sources:
        for name in metric_names(promql_parser.parse(expr)):
            where.setdefault(name, set()).add(place)
    return where


async def test_rules_and_dashboards_name_only_metrics_the_services_export(
    used: dict[str, set[str]], tmp_path: Path
) -> None:
    exported = await exported_metric_names(tmp_path)
    unknown = {name: sorted(places) for name, places in used.items() if name not in exported}
    assert not unknown, f"not exported by any service: {unknown}"


def test_every_alert_and_dashboard_expression_is_valid_promql() -> None:
    for place, expr in [(r["alert"], r["expr"]) for r in rules()] + list(dashboard_exprs()):
        try:
            promql_parser.parse(expr)
        except ValueError as error:
            pytest.fail(f"{place}: {error}\n{expr}")


def test_alert_rules_cover_what_a_county_must_act_on() -> None:
    """Issue #13: consumer lag growing, dead letters above zero, relay stalled, completeness
    below threshold after 18:00, the audit chain failing verification."""
    by_metric: dict[str, list[str]] = {}
    for rule in rules():
        for name in metric_names(promql_parser.parse(rule["expr"])):
            by_metric.setdefault(name, []).append(rule["expr"])
    assert any("deriv" in e for e in by_metric["wuyi_consumer_lag"])
    assert any('outcome="parked"' in e for e in by_metric["wuyi_consumer_events_total"])
    assert "wuyi_relay_stalled" in by_metric
    assert any("hour()" in e for e in by_metric["wuyi_reporting_completeness_ratio"])
    assert "wuyi_audit_chain_broken" in by_metric


def test_alert_rules_are_well_formed_and_point_to_the_runbook() -> None:
    groups = load_yaml(ALERTS)["groups"]
    assert groups and all(g["name"] and g["rules"] for g in groups)
    names = [r["alert"] for r in rules()]
    assert len(names) == len(set(names)), "duplicate alert names"
    runbook = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    anchors = {
        re.sub(r"[^a-z0-9 -]", "", h.lower()).strip().replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", runbook, re.M)
    }
    for rule in rules():
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}
        assert DURATION.match(rule.get("for", "0s")), rule["alert"]
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert {"summary", "description"} <= set(rule["annotations"])
        link = re.search(r"docs/operations\.md#([a-z0-9-]+)", rule["annotations"]["description"])
        assert link and link[1] in anchors, f"{rule['alert']}: no runbook section"


def test_dashboards_are_provisioned_with_unique_ids_and_a_prometheus_datasource() -> None:
    assert {p.stem for p in DASHBOARDS} >= {"http", "pipeline", "reporting", "notifications"}
    uids = [json.loads(p.read_text(encoding="utf-8"))["uid"] for p in DASHBOARDS]
    assert len(uids) == len(set(uids))
    provisioned = load_yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yaml")
    source_uids = {d["uid"] for d in provisioned["datasources"]}
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            assert panel["datasource"]["uid"] in source_uids
