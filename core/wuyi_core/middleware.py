"""The ASGI middlewares every service app (and the root app) runs: security headers on every
response, 503 with ``Retry-After`` when the database is out of reach, and request body limits
answered with the standard error body."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wuyi_core.db.port import AbstractDatabase
from wuyi_core.errors import TooManyRequests, Unavailable, WuyiError
from wuyi_core.limits import MAX_BODY_BYTES

log = logging.getLogger(__name__)


def error_response(error: WuyiError) -> JSONResponse:
    headers = (
        {"Retry-After": str(error.retry_after)}
        if isinstance(error, Unavailable | TooManyRequests)
        else None
    )
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


SECURITY_HEADERS = {
    # Scripts and everything else from this origin only, never inline; no framing.
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` to every response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)


class DatabaseOutage:
    """A request that failed because the database is out of reach answers 503 with
    ``Retry-After``: the client may retry; its transaction was rolled back whole. An error the
    driver does not name as a lost connection counts too when the database does not answer a
    trivial query right after it (a server going down mid-request leaves odd errors)."""

    def __init__(self, app: ASGIApp, db: AbstractDatabase) -> None:
        self.app = app
        self.db = db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if scope["type"] != "http" or started or not await self._outage(exc):
                raise
            log.warning("database out of reach: %s: %s", type(exc).__name__, exc)
            outage = Unavailable(
                "数据库暂时无法访问，请稍后重试",
                "the database is out of reach for now; retry shortly",
            )
            await error_response(outage)(scope, receive, send)

    async def _outage(self, exc: Exception) -> bool:
        if self.db.lost(exc):
            return True
        try:
            return not await self.db.available()
        except Exception:
            return False


class BodyLimit:
    """Caps request bodies at ``MAX_BODY_BYTES`` (or ``larger[path]``): a declared length over
    the cap is answered at once; a streamed body is cut off as soon as it passes it."""

    def __init__(self, app: ASGIApp, larger: Mapping[str, int]) -> None:
        self.app = app
        self.larger = larger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        limit = self.larger.get(path, MAX_BODY_BYTES)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await too_large(limit)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:  # FastAPI passes an HTTPException on to our handler
                raise HTTPException(413, f"request body over {limit // 1024} KB")
            return message

        await self.app(scope, limited, send)


def too_large(limit: int) -> JSONResponse:
    body = WuyiError(
        f"请求内容过大，上限 {limit // 1024} KB，请精简后重试",
        f"request body too large: the limit is {limit // 1024} KB",
    ).body()
    body["error"]["code"] = "http_413"
    return JSONResponse(body, status_code=413)
