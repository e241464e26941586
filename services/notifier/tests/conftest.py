"""Notifier fixtures: the services running together (``tests.stacks``) with the notifier on its
own database beside them, fed by the same bus, and a real HTTP receiver on loopback.

In the embedded modes the notifier's consumers are drained by the test (``settle``) and its
sender is stepped by the test on the injected clock (``send``), so nothing waits on time.
"""

from __future__ import annotations

import asyncio
import hmac
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from wuyi_core.auth import Role
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_notifier.api.app import create_app
from wuyi_notifier.application.escalation import sweep_escalations
from wuyi_notifier.application.sending import send_due
from wuyi_notifier.bootstrap import Notifier, build_notifier
from wuyi_notifier.settings import NotifierSettings
from wuyi_notifier.worker import consumers

from conftest import drop_schema, free_port, open_postgres
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


@dataclass
class Receiver:
    """A webhook receiver on loopback that verifies every call's signature on its own (the
    receiver's side of the contract, written independently of the notifier's code)."""

    url: str
    secrets: dict[str, str] = field(default_factory=dict)  # path -> secret
    fail_first: dict[str, int] = field(default_factory=dict)  # path -> failures before 200
    slow: set[str] = field(default_factory=set)
    calls: list[dict[str, Any]] = field(default_factory=list)
    accepted: dict[str, list[str]] = field(default_factory=dict)  # path -> idempotency keys

    def verified(self, path: str, timestamp: str, body: bytes, signature: str) -> bool:
        mac = hmac.new(self.secrets[path].encode(), timestamp.encode() + b"." + body, "sha256")
        return hmac.compare_digest(f"v1={mac.hexdigest()}", signature)


def _receiver_app(receiver: Receiver) -> FastAPI:
    app = FastAPI()

    @app.post("/{path}")
    async def hook(path: str, request: Request) -> Response:
        body = await request.body()
        headers = request.headers
        ok = receiver.verified(path, headers["x-wuyi-timestamp"], body, headers["x-wuyi-signature"])
        key = headers["idempotency-key"]
        receiver.calls.append({"path": path, "verified": ok, "key": key, "body": body})
        if path in receiver.slow:
            await asyncio.sleep(5)
        if not ok:
            return Response(status_code=401)
        if receiver.fail_first.get(path, 0) > 0:
            receiver.fail_first[path] -= 1
            return Response(status_code=503)
        seen = receiver.accepted.setdefault(path, [])
        if key not in seen:  # the receiver settles a repeated delivery by its key
            seen.append(key)
        return Response(status_code=204)

    return app


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    port = free_port()
    receiver = Receiver(f"http://127.0.0.1:{port}")
    config = uvicorn.Config(_receiver_app(receiver), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
