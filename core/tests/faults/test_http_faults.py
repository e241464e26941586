"""What HTTP clients see under faults: a request too large for the event bus is refused whole
(413) before anything is written (issue #8, defect 2), and a database out of reach answers 503
with Retry-After, never 500, and readiness turns red until it is back."""

from __future__ import annotations

import uuid

import httpx
import pytest
from wuyi_core.auth import Role, TokenService
from wuyi_core.db.postgres import PostgresDatabase
from wuyi_registry.api.app import create_app as registry_app
from wuyi_registry.bootstrap import build_registry

from conftest import database_url, drop_schema
from core.tests.faults.proxy import Outage
from tests.stacks import running_stack

SECRET = "http-faults-secret-long-enough-for-hs256"


def big_checklist(sections: int) -> dict[str, object]:
    """A valid checklist rubric (200 items a section, the most a section takes), about 3 MB
    when sections = 50."""
    return {
        "code": "huge",
        "name": "超大清单",
        "kind": "checklist",
        "application_mark": 60,
        "pass_mark": 80,
        "sections": [
            {
                "id": f"s{s}",
                "name": f"清单{s}",
                "items": [
                    {"id": f"s{s}.{i}", "name": f"检查事项{i:03d}" + "内容" * 48}
                    for i in range(200)
                ],
            }
            for s in range(sections)
        ],
    }


@pytest.mark.parametrize("mode", ["sqlite"])
async def test_a_rubric_larger_than_the_bus_carries_is_refused_with_413(mode, tmp_path):
    async with running_stack(mode, tmp_path, "unused.") as stack:
        before = await stack.scoring.store.head()
        body = big_checklist(50)
        response = await stack.post("/scoring/v1/rubrics", body)
        assert response.status_code == 413, response.text
        error = response.json()["error"]
        assert error["code"] == "http_413" and "过大" in error["message_zh"]
        assert await stack.scoring.store.head() == before  # nothing written


async def test_a_database_outage_answers_503_with_retry_after_and_not_ready():
    proxy, url = await Outage.for_url(database_url())
    db = await PostgresDatabase.open(url, f"t_{uuid.uuid4().hex[:12]}")
    registry = await build_registry(db)
    tokens = TokenService(SECRET)
    auth = {"Authorization": f"Bearer {tokens.mint('t1', Role('county_admin'), None, 'admin')}"}
    app = registry_app(registry, tokens)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://wuyi.test"
        ) as http:
            assert (await http.get("/ready")).status_code == 200
            await proxy.cut()
            county = {"name": "宁化县", "kind": "county"}
            response = await http.post("/v1/entities", json=county, headers=auth)
            assert response.status_code == 503, response.text
            assert response.headers["Retry-After"] == "5"
            assert response.json()["error"]["code"] == "unavailable"
            ready = await http.get("/ready")
            assert ready.status_code == 503 and "database" in ready.json()["problems"]
            await proxy.restore()
            response = await http.post("/v1/entities", json=county, headers=auth)
            assert response.status_code == 201, response.text
            assert (await http.get("/ready")).status_code == 200
    finally:
        await proxy.restore()
        await drop_schema(db)
        await db.close()
        await proxy.cut()


async def test_a_huge_or_odd_correlation_id_is_refused_before_anything_is_kept(tmp_path):
    """A 60 KB X-Correlation-ID used to be kept for good in event metadata (issue #9)."""
    async with running_stack("sqlite", tmp_path, "unused.") as stack:
        county = {"name": "宁化县", "kind": "county"}
        for bad in ("x" * 60_000, "a;b", "a b", "<script>"):
            response = await stack.http.post(
                "/registry/v1/entities",
                json=county,
                headers={**stack.auth(), "X-Correlation-ID": bad},
            )
            assert response.status_code == 422, response.text
            assert response.json()["error"]["field"] == "X-Correlation-ID"
        good = await stack.http.post(
            "/registry/v1/entities",
            json=county,
            headers={**stack.auth(), "X-Correlation-ID": "req-2026.12.01:abc"},
        )
        assert good.status_code == 201, good.text
