"""What the browser gets (issue #9, "Response headers", "Swagger UI", "Unknown paths"): every
response of the embedded deployment carries a CSP without inline script, nosniff, a
Referrer-Policy and frame-ancestors; the API docs come from the installed package, not a CDN;
an unknown path answers with the standard error body."""

from __future__ import annotations

import re

import httpx
import pytest

from wuyi.embedded import create_embedded_app, open_embedded


@pytest.fixture
async def http(tmp_path):
    services, tokens = await open_embedded(tmp_path / "data")
    app = create_embedded_app(services, tokens)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://wuyi.test"
        ) as client:
            yield client
    finally:
        await services.close()


@pytest.mark.parametrize(
    "path", ["/", "/services.json", "/registry/health", "/scoring/v1/honor-list?tenant=x", "/nope"]
)
async def test_every_response_carries_the_security_headers(http, path):
    response = await http.get(path)
    csp = response.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_an_unknown_path_answers_with_the_standard_error_body(http):
    for path in ("/nope", "/registry/v1/nope", "/dashboard/missing.html"):
        response = await http.get(path)
        assert response.status_code == 404
        error = response.json()["error"]
        assert error["code"] == "http_404" and error["message_zh"] and error["message_en"]


@pytest.mark.parametrize("service", ["registry", "reporting", "scoring"])
async def test_the_api_docs_come_from_the_package_with_no_inline_script(http, service):
    page = await http.get(f"/{service}/docs")
    assert page.status_code == 200
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "http" not in page.text.split("<body>")[1]  # nothing from another origin
    for asset in ("docs-static/swagger-ui-bundle.js", "docs-static/swagger-ui.css", "docs-init.js"):
        assert (await http.get(f"/{service}/{asset}")).status_code == 200
