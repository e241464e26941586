"""The registry's HTTP application, mounted at ``/registry`` in both modes."""

from __future__ import annotations

from fastapi import FastAPI
from wuyi_core.auth import TokenService
from wuyi_core.http import service_app
from wuyi_core.limits import MAX_UPLOAD_BYTES

from wuyi_registry.api import entities, grids, imports
from wuyi_registry.api import tokens as token_routes
from wuyi_registry.bootstrap import Registry


def create_app(registry: Registry, tokens: TokenService) -> FastAPI:
    routers = [entities.router, grids.router, imports.router, token_routes.router]
    return service_app(
        "registry",
        "Wuyi registry (登记服务)",
        tokens,
        routers,
        registry.store,
        larger_bodies={"/v1/imports": MAX_UPLOAD_BYTES},
        registry=registry,
    )
