"""No NUL character reaches a service: PostgreSQL's text cannot hold one (the driver raises
and the request would answer 500), SQLite would store a string other tools cut short, and no
id, name or note of ours has a use for it. ``RejectNul`` answers 422 naming the field: ``path``,
the query parameter, or the JSON body's field (dotted path), before any handler runs.

A JSON body is checked as the route reads it, and parsed for this only when its bytes hold the
escape ``\\u0000`` (a raw NUL byte is not valid JSON and the parser refuses it already), so
ordinary requests pay one byte search.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wuyi_core.errors import InvalidInput
from wuyi_core.middleware import error_response

ESCAPE = b"\\u0000"


def nul_field(value: Any, where: str = "") -> str | None:
    """The dotted path of the first string (key or value) in ``value`` holding a NUL."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if "\x00" in str(key):
                return name.replace("\x00", "")
            if (found := nul_field(item, name)) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := nul_field(item, f"{where}.{index}" if where else str(index))) is not None:
                return found
    return None


class RefusedBody(HTTPException):
    """Raised from inside the body read, where FastAPI lets only an HTTPException through;
    the services' HTTPException handler answers with ``error``."""

    def __init__(self, error: InvalidInput) -> None:
        super().__init__(error.status, error.message_en)
        self.error = error


def refusal(field: str) -> InvalidInput:
    return InvalidInput(
        f"{field}：不能包含空字符（NUL），请删除后重试",
        f"{field}: must not contain a NUL character; remove it and retry",
        field,
    )


class RejectNul:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        field = self._in_url(scope)
        if field is not None:
            await error_response(refusal(field))(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def checked() -> Message:
            """The body as the route reads it; at its last chunk, a NUL in a JSON string is
            refused from here, so the app's own error handler answers (as with BodyLimit)."""
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(chunks)
                    if ESCAPE in body.lower() and (found := _in_json(body)) is not None:
                        raise RefusedBody(refusal(found))
            return message

        await self.app(scope, checked, send)

    @staticmethod
    def _in_url(scope: Scope) -> str | None:
        if "\x00" in scope["path"]:
            return "path"
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return name.replace("\x00", "") or "query"
        return None


def _in_json(body: bytes) -> str | None:
    try:
        parsed = json.loads(body)
    except ValueError:
        return None  # not JSON: the route's own parsing answers
    return nul_field(parsed, "body") if isinstance(parsed, str) else nul_field(parsed)
