"""The web dashboard (指挥台): static pages, zh-CN first, that talk to the services' public API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from wuyi_core.http import install_error_handlers

STATIC = Path(__file__).parent / "static"


def create_dashboard(services: list[str]) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(app)  # a missing page answers with the standard error body

    @app.get("/services.json", include_in_schema=False)
    async def service_list() -> dict[str, list[str]]:
        return {"services": services}

    app.mount("/", StaticFiles(directory=STATIC, html=True), name="static")
    return app
