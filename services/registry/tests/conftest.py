"""Registry API fixtures: the real app, on each database backend, through HTTP (ASGI)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from wuyi_core.auth import Role, TokenService
from wuyi_registry.api.app import create_app
from wuyi_registry.bootstrap import Registry, build_registry

SECRET = "test-secret-that-is-long-enough-for-hs256-signing"


@dataclass
class Api:
    http: httpx.AsyncClient
    registry: Registry
    tokens: TokenService

    def auth(
        self,
        role: str = "county_admin",
        tenant: str = "t1",
        scope: str | None = None,
        sub: str = "tester",
    ) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.mint(tenant, Role(role), scope, sub)}"}

    async def post(self, path: str, body: object, **who: str | None) -> httpx.Response:
        return await self.http.post(path, json=body, headers=self.auth(**who))  # type: ignore[arg-type]

    async def get(self, path: str, **who: str | None) -> httpx.Response:
        return await self.http.get(path, headers=self.auth(**who))  # type: ignore[arg-type]

    async def entity(
        self, name: str, kind: str, parent_id: str | None = None, **extra: object
    ) -> dict:
        response = await self.post(
            "/registry/v1/entities", {"name": name, "kind": kind, "parent_id": parent_id, **extra}
        )
        assert response.status_code == 201, response.text
        return response.json()

    async def grid(
        self,
        name: str,
        level: int,
        entity_id: str,
        parent_grid_id: str | None = None,
        **extra: object,
    ) -> dict:
        response = await self.post(
            "/registry/v1/grids",
            {
                "name": name,
                "level": level,
                "entity_id": entity_id,
                "parent_grid_id": parent_grid_id,
                **extra,
            },
        )
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
async def api(db):
    registry = await build_registry(db)
    tokens = TokenService(SECRET)
    root = FastAPI()
    root.mount("/registry", create_app(registry, tokens))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=root), base_url="http://wuyi.test"
    ) as http:
        yield Api(http, registry, tokens)


@pytest.fixture
async def county_tree(api):
    """A county with one township, a village and a community, and a compound."""
    county = await api.entity("示范县", "county", code="C")
    town = await api.entity("东安镇", "township", county["id"], code="T1")
    village = await api.entity(
        "西山村",
        "village",
        town["id"],
        code="V1",
        contact={"name": "联络员甲", "phone": "13800000001"},
    )
    community = await api.entity("南湖社区", "community", town["id"])
    compound = await api.entity("幸福小区", "compound", community["id"])
    return {
        "county": county,
        "town": town,
        "village": village,
        "community": community,
        "compound": compound,
    }
