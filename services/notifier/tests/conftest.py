"""Notifier fixtures: the services running together (``tests.stacks``) with the notifier on its
own database beside them, fed by the same bus, and a real HTTP receiver on loopback.

In the embedded modes the notifier's consumers are drained by the test (``settle``) and its
sender is stepped by the test on the injected clock (``send``), so nothing waits on time.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from wuyi_core.auth import Role
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_notifier.api.app import create_app
from wuyi_notifier.application.escalation import sweep_escalations
from wuyi_notifier.application.sending import send_due
from wuyi_notifier.bootstrap import Notifier, build_notifier
from wuyi_notifier.settings import NotifierSettings
from wuyi_notifier.worker import consumers

from conftest import drop_schema, open_postgres
from tests.stacks import Stack, running_stack


@dataclass
class Notified:
    stack: Stack
    notifier: Notifier
    http: httpx.AsyncClient
    runners: dict[str, ConsumerRunner]

    async def settle(self) -> None:
        """Everything on the bus so far has reached the notifier's replica and policy."""
        for runner in self.runners.values():
            if runner.subscription is not None:
                await runner.drain()

    async def send(self) -> int:
        return await send_due(self.notifier)

    async def escalate(self) -> int:
        return await sweep_escalations(self.notifier)

    def auth(self, role: str, scope: str | None = None, sub: str | None = None) -> dict[str, str]:
        token = self.stack.tokens.mint("t1", Role(role), scope, sub or f"{role}-{scope}")
        return {"Authorization": f"Bearer {token}"}

    async def inbox(self, role: str, scope: str | None = None, **params: Any) -> list[dict]:
        response = await self.http.get(
            "/notifier/v1/inbox", params=params, headers=self.auth(role, scope)
        )
        assert response.status_code == 200, response.text
        return list(response.json())

    async def subscribe(self, target: str, event_types: list[str], **more: Any) -> dict:
        body = {"channel": "webhook", "target": target, "event_types": event_types, **more}
        response = await self.http.post(
            "/notifier/v1/subscriptions", json=body, headers=self.auth("county_admin")
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def deliveries(self, **params: Any) -> list[dict]:
        response = await self.http.get(
            "/notifier/v1/deliveries", params=params, headers=self.auth("county_admin")
        )
        assert response.status_code == 200, response.text
        return list(response.json())


@pytest.fixture(params=["sqlite", "postgres"])
async def notified(request, tmp_path, topic_prefix) -> AsyncIterator[Notified]:
    async with running_stack(request.param, tmp_path, topic_prefix) as stack:
        if request.param == "sqlite":
            db = await SQLiteDatabase.open(tmp_path / "notifier.db")
        else:
            db = await open_postgres(f"notifier_{uuid.uuid4().hex[:8]}")
        settings = NotifierSettings(
            webhook_timeout_seconds=2.0,
            retry_base_seconds=10,
            retry_cap_seconds=60,
            retry_horizon_seconds=600,
        )
        notifier = await build_notifier(db, stack.clock, settings)
        app = FastAPI()
        app.mount("/notifier", create_app(notifier, stack.tokens))
        runners = {r.name: r for r in consumers(notifier, stack.bus)}
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://wuyi.test"
            ) as http:
                yield Notified(stack, notifier, http, runners)
        finally:
            await notifier.close()
            if request.param != "sqlite":
                await drop_schema(db)  # type: ignore[arg-type]
            await db.close()
