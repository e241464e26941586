"""The access table (``wuyi.access_table``), proven on the running services: every operation of
every service, called by every role with a token in scope, out of scope and of another tenant,
and with no token. Allowed: not 401/403 (a read answers 200). Refused: 403. No token: 401
except public operations. Another tenant's token never sees this tenant's data (its reads of
named targets are 403/404/422). A route without a row, or a row without a route, fails here.

One county is built once for the package (``conftest.py``, SQLite, embedded bus); the
probes leave it unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from wuyi_core.auth import Role

from tests.access.probes import PROBES, Probe
from tests.access.world import CALLER_PHONE
from tests.stacks import Stack
from wuyi.access_table import DOC, TABLE, Operation, Rule, by_key, render_into

pytestmark = pytest.mark.asyncio(loop_scope="package")

COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.COUNTY_EVALUATOR)
VARIANTS = ("in_scope", "out_of_scope", "other_tenant")
CASES = [
    pytest.param(op, role, variant, id=f"{op.service} {op.method} {op.path} {role} {variant}")
    for op in TABLE
    if op.rule != Rule.PUBLIC
    for role in Role
    for variant in VARIANTS
]


def _scope(op: Operation, probe: Probe, role: Role, branch: dict[str, Any]) -> str | None:
    if role in COUNTY_ROLES:
        return None if branch["in_scope"] else branch["T"]
    if role == Role.TOWNSHIP_REVIEWER:
        return str(branch["T"])
    if role == Role.GRID_MEMBER and probe.grid_home:
        return str(branch[probe.grid_home])
    return str(branch[probe.admin_home])


async def _call(
    stack: Stack, world: dict[str, Any], op: Operation, headers: dict[str, str]
) -> tuple[httpx.Response, str]:
    probe = PROBES[op.key]
    target = world["A"]
    url = probe.url(world, target)
    body = probe.body(world, target) if probe.body else None
    if probe.stale:
        headers = {**headers, "If-Match": '"999"'}
    if probe.upload:
        files = {"file": ("roster.csv", "类别,编码,名称,类型,上级编码\n".encode(), "text/csv")}
        response = await stack.http.post(url, files=files, headers=headers)
    else:
        response = await stack.http.request(op.method, url, json=body, headers=headers)
    return response, url + json.dumps(body, ensure_ascii=False)


def _allowed(op: Operation, role: Role, variant: str) -> bool:
    if role not in op.roles:
        return False
    return variant == "in_scope" or op.rule in (Rule.TENANT, Rule.ROWS, Rule.FILTERED)


def _markers(world: dict[str, Any]) -> set[str]:
    """What of this tenant another tenant must never read: every id, name and the caller's
    phone in a complaint."""
    ids = {v for b in ("A", "B") for v in world[b].values() if isinstance(v, str)}
    names = {f"{tag}{kind}" for tag in "甲乙" for kind in ("镇", "村", "小区", "联络员")}
    return ids | names | {world["county"], world["campaign"], world["batch"], CALLER_PHONE}


@pytest.mark.parametrize(("op", "role", "variant"), CASES)
async def test_every_role_gets_what_the_access_table_says(county, op, role, variant):
    stack, world = county
    branch = {
        **world["A" if variant != "out_of_scope" else "B"],
        "in_scope": variant != "out_of_scope",
    }
    scope = _scope(op, PROBES[op.key], role, branch)
    tenant = "t2" if variant == "other_tenant" else "t1"
    response, request = await _call(stack, world, op, stack.auth(role.value, scope, tenant))
    assert response.status_code < 500, response.text
    if variant == "other_tenant":
        leaked = {m for m in _markers(world) if m in response.text and m not in request}
        assert not leaked, f"another tenant read {leaked}: {response.text[:300]}"
        if any(m in request for m in _markers(world)):
            assert response.status_code in (403, 404, 409, 422), response.text
        return
    if not _allowed(op, role, variant):
        assert response.status_code == 403, response.text
        return
    assert response.status_code not in (401, 403), response.text
    if op.method == "GET":
        assert response.status_code == 200, response.text
    listed = PROBES[op.key].listed
    if listed:
        assert (world["A"][listed] in response.text) == (variant == "in_scope"), response.text


@pytest.mark.parametrize("op", TABLE, ids=lambda op: f"{op.service} {op.method} {op.path}")
async def test_no_token_is_401_except_public_operations(county, op):
    stack, world = county
    response, _ = await _call(stack, world, op, {})
    if op.rule == Rule.PUBLIC:
        assert response.status_code not in (401, 403) and response.status_code < 500
    else:
        assert response.status_code == 401, response.text


async def test_every_route_of_every_service_has_a_row_and_a_probe(county):
    """A new endpoint without a row in the access table fails here."""
    stack, _ = county
    routes = {
        (service, method.upper(), path)
        for service in ("registry", "reporting", "scoring")
        for path, operations in (await stack.http.get(f"/{service}/openapi.json"))
        .json()["paths"]
        .items()
        for method in operations
    }
    assert routes - set(by_key()) == set(), "routes missing from wuyi/access_table.py"
    assert set(by_key()) - routes == set(), "rows of wuyi/access_table.py with no route"
    assert set(PROBES) == set(by_key()), "rows without a probe in tests/access/probes.py"
    assert len(TABLE) == len(by_key()), "a row appears twice"


async def test_docs_security_md_shows_the_current_access_table():
    """Regenerate with ``.venv/bin/python -m wuyi.access_table``."""
    text = DOC.read_text(encoding="utf-8")
    assert render_into(text) == text
