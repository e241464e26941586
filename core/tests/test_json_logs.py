"""Structured JSON logs carry the trace id and the correlation id (issue #13): a request's log
line names the caller's trace and the same correlation id its events keep in their metadata,
also when the caller sent none."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from wuyi_core.auth import Role, TokenService
from wuyi_core.logs import JsonFormatter, requests_log
from wuyi_registry.api.app import create_app
from wuyi_registry.bootstrap import Registry, build_registry

SECRET = "json-logs-test-secret-long-enough-for-hs256"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture
def lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The JSON lines ``wuyi.requests`` has written so far in the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    requests_log.addHandler(handler)
    previous = requests_log.level
    requests_log.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        requests_log.removeHandler(handler)
        requests_log.setLevel(previous)


@pytest.fixture
async def app(db) -> AsyncIterator[tuple[httpx.AsyncClient, Registry]]:
    registry = await build_registry(db)
    root = FastAPI()
    root.mount("/registry", create_app(registry, TokenService(SECRET)))
    transport = httpx.ASGITransport(app=root)
    async with httpx.AsyncClient(transport=transport, base_url="http://wuyi.test") as http:
        yield http, registry


def county_admin() -> dict[str, str]:
    token = TokenService(SECRET).mint("t1", Role("county_admin"), None, "admin")
    return {"Authorization": f"Bearer {token}"}


async def test_a_request_line_carries_the_callers_trace_and_correlation_ids(app, lines) -> None:
    http, registry = app
    headers = {**county_admin(), "traceparent": TRACEPARENT, "X-Correlation-ID": "corr-42"}
    response = await http.post(
        "/registry/v1/entities", json={"name": "县", "kind": "county"}, headers=headers
    )
    assert response.status_code == 201, response.text
    [line] = [x for x in lines() if x["http_method"] == "POST"]
    assert line["trace_id"] == TRACE_ID and len(line["span_id"]) == 16
    assert line["correlation_id"] == "corr-42"
    assert (line["http_route"], line["http_status"]) == ("/registry/v1/entities", 201)
    assert line["service"] == "registry" and line["level"] == "INFO"
    [event] = await registry.store.read_all(0)
    assert event.metadata.correlation_id == "corr-42"


async def test_without_a_correlation_id_the_log_and_the_events_share_the_new_one(
    app, lines
) -> None:
    http, registry = app
    response = await http.post(
        "/registry/v1/entities", json={"name": "县", "kind": "county"}, headers=county_admin()
    )
    assert response.status_code == 201, response.text
    [line] = [x for x in lines() if x["http_method"] == "POST"]
    [event] = await registry.store.read_all(0)
    assert line["correlation_id"] == event.metadata.correlation_id
    assert len(line["trace_id"]) == 32  # a trace of its own
    assert event.metadata.traceparent and TRACE_ID not in event.metadata.traceparent
    assert line["trace_id"] == event.metadata.traceparent.split("-")[1]


async def test_a_bad_correlation_id_is_refused_and_not_logged_as_one(app, lines) -> None:
    http, _ = app
    headers = {**county_admin(), "X-Correlation-ID": "bad id with spaces"}
    response = await http.post(
        "/registry/v1/entities", json={"name": "县", "kind": "county"}, headers=headers
    )
    assert response.status_code == 422
    [line] = [x for x in lines() if x["http_method"] == "POST"]
    assert "correlation_id" not in line and line["http_status"] == 422


async def test_the_route_is_a_template_so_ids_stay_out_of_the_logs(app, lines) -> None:
    http, _ = app
    response = await http.get("/registry/v1/entities/ent-secret-id", headers=county_admin())
    assert response.status_code == 404
    [line] = [x for x in lines() if x["http_method"] == "GET"]
    assert line["http_route"] == "/registry/v1/entities/{entity_id}"
    assert "ent-secret-id" not in json.dumps(line)
