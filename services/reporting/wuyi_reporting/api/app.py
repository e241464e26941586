"""The reporting service's HTTP application, mounted at ``/reporting`` in both modes."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from wuyi_core.auth import TokenService
from wuyi_core.http import install_error_handlers

from wuyi_reporting.api import cases, reports, status
from wuyi_reporting.bootstrap import Reporting


def create_app(reporting: Reporting, tokens: TokenService) -> FastAPI:
    app = FastAPI(
        title="Wuyi reporting (报告服务)",
        version="1.0.0",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.reporting = reporting
    app.state.tokens = tokens
    install_error_handlers(app)
    v1 = APIRouter(prefix="/v1")
    for module in (reports, cases, status):
        v1.include_router(module.router)
    app.include_router(v1)

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, object]:
        """Liveness and log head (public)."""
        return {"service": "reporting", "status": "ok", "head": await reporting.store.head()}

    return app
