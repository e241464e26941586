"""The registry's HTTP application, mounted at ``/registry`` in both modes."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from wuyi_core.auth import TokenService
from wuyi_core.http import install_error_handlers

from wuyi_registry.api import entities, grids, imports
from wuyi_registry.bootstrap import Registry


def create_app(registry: Registry, tokens: TokenService) -> FastAPI:
    app = FastAPI(
        title="Wuyi registry (登记服务)",
        version="1.0.0",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.registry = registry
    app.state.tokens = tokens
    install_error_handlers(app)
    v1 = APIRouter(prefix="/v1")
    for module in (entities, grids, imports):
        v1.include_router(module.router)
    app.include_router(v1)

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, object]:
        """Liveness and log head (public)."""
        return {"service": "registry", "status": "ok", "head": await registry.store.head()}

    return app
