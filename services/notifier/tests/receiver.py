"""A webhook receiver on loopback (uvicorn), for the channel tests."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response

from conftest import free_port


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
            await asyncio.sleep(3)
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
