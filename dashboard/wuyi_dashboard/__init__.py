"""The web application (指挥台): the Vue app built by ``scripts/install`` from ``web/`` into
``app/`` (not committed), served at ``/``, talking to the services' public API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from wuyi_core.http import install_error_handlers

APP = Path(__file__).parent / "app"

NOT_BUILT = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<title>无疫创建工作指挥台</title>
<p>网页应用尚未构建：请运行 <code>scripts/install</code>。</p>
<p>The web application is not built: run <code>scripts/install</code>.</p></html>"""


def create_dashboard(services: list[str]) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(app)  # a missing page answers with the standard error body

    @app.get("/services.json", include_in_schema=False)
    async def service_list() -> dict[str, list[str]]:
        return {"services": services}

    if (APP / "index.html").exists():
        app.mount("/", StaticFiles(directory=APP, html=True), name="app")
    else:

        @app.get("/", include_in_schema=False)
        async def not_built() -> HTMLResponse:
            return HTMLResponse(NOT_BUILT, status_code=503)

    return app
