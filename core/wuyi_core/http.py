"""HTTP plumbing shared by every service's API: the error body of API.md, bearer auth, the
correlation id each request carries into the events it causes, body size limits, health and
readiness.

- Body limits, 503 during a database outage and security headers are the middlewares of
  ``middleware.py``; Swagger UI comes from ``docs.py``.
- ``/health`` is liveness (the process answers); ``/ready`` is readiness: the database answers
  and no background part of the process reports a problem (``health``).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

from wuyi_core import revocations, telemetry
from wuyi_core.auth import Principal, TokenService
from wuyi_core.docs import install_docs
from wuyi_core.errors import InvalidInput, Unauthorized, Unavailable, WuyiError
from wuyi_core.eventstore import EventStore
from wuyi_core.logs import CORRELATION_SCOPE_KEY, RequestLog
from wuyi_core.middleware import BodyLimit, DatabaseOutage, SecurityHeaders, error_response
from wuyi_core.nul import RefusedBody, RejectNul
from wuyi_core.probes import readiness_problems
from wuyi_core.session import SESSION_COOKIE, check_origin

log = logging.getLogger(__name__)

_ZH_BY_TYPE = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "必须是文本",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "bool_type": "必须是布尔值",
    "bool_parsing": "必须是布尔值",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "finite_number": "必须是有限的数字（不能是 NaN 或无穷大）",
    "hidden_character": "不能包含控制字符、方向控制符或零宽等不可见字符",
    "date_window": "日期不在合理范围内（2019-12-01 至 2100-12-31）",
    "date_from_datetime_parsing": "必须是日期（YYYY-MM-DD）",
    "date_parsing": "必须是日期（YYYY-MM-DD）",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "格式不正确",
    "dict_type": "必须是对象",
}


_UNION_TAGS = frozenset({"float", "int", "bool", "str"})


def validation_error(exc: RequestValidationError) -> InvalidInput:
    first: dict[str, Any] = exc.errors()[0]
    loc = [str(part) for part in first.get("loc", ()) if part not in ("body", "query", "path")]
    while loc and loc[-1] in _UNION_TAGS:  # pydantic names the union branch it tried last
        loc.pop()
    field = ".".join(loc) or None
    kind = str(first.get("type", ""))
    zh = _ZH_BY_TYPE.get(kind, "输入不合法")
    if "input" in first and first["input"] is None and kind.endswith("_type"):
        zh = "必填，不能为空"  # null where a value is needed: the clerk left it empty
    en = first.get("msg", "invalid input")
    return InvalidInput(f"{field or '请求'}：{zh}", f"{field or 'request'}: {en}", field)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WuyiError)
    async def wuyi_error(_: Request, exc: WuyiError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        error = validation_error(exc)
        return JSONResponse(error.body(), status_code=error.status)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        if isinstance(exc, RefusedBody):
            return error_response(exc.error)
        zh = {
            404: "请求的路径不存在",
            405: "不支持该请求方法",
            413: "请求内容过大，请精简后重试",
        }.get(exc.status_code, "请求错误")
        body = WuyiError(zh, str(exc.detail)).body()
        body["error"]["code"] = f"http_{exc.status_code}"
        return JSONResponse(body, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        body = WuyiError(
            "服务器内部错误，请稍后重试或联系管理员",
            "internal error; retry later or contact the administrator",
        ).body()
        body["error"]["code"] = "internal"
        return JSONResponse(body, status_code=500)


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller: a bearer token, or else the web application's session cookie (whose
    state-changing requests must come from this origin: ``session.check_origin``); 401 when the
    token is invalid, expired or revoked."""
    tokens: TokenService = request.app.state.tokens
    if credentials is not None:
        token = credentials.credentials
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie is None:
            raise Unauthorized(
                "需要登录：请在 Authorization 头中提供 Bearer 令牌",
                "authentication required: send an Authorization: Bearer token",
            )
        check_origin(request.method, request.headers)
        token = cookie
    principal = tokens.verify(token)
    assert principal.jti is not None  # verify requires it
    if await revocations.is_revoked(request.app.state.revocations, principal.tenant, principal.jti):
        raise Unauthorized(
            "登录凭证已被吊销，请重新获取令牌", f"token {principal.jti} has been revoked"
        )
    return principal


_CORRELATION_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def correlation_id(request: Request) -> str:
    """The caller's ``X-Correlation-ID``, or a new one: it links a request to its events and
    is kept in their metadata for good, so it is bounded (128 characters of an id's alphabet)."""
    given = request.headers.get("x-correlation-id")
    if given is None:  # the one RequestLog made for this request's log lines, if it ran
        return str(request.scope.get(CORRELATION_SCOPE_KEY) or uuid.uuid4())
    if not _CORRELATION_ID.fullmatch(given):
        raise InvalidInput(
            "X-Correlation-ID 须为 1–128 个字母、数字或 ._:/+=- 字符",
            "X-Correlation-ID must be 1-128 characters of letters, digits or ._:/+=-",
            "X-Correlation-ID",
        )
    return given


def if_match(request: Request) -> int | None:
    """Optimistic concurrency: ``If-Match: "<version>"`` makes a write conditional on the
    resource still being at that version (the ``version`` field of its last read)."""
    raw = request.headers.get("if-match")
    if raw is None:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput(
            "If-Match 必须是资源的版本号", "If-Match must be the resource version", "If-Match"
        )
    return int(value)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
IfMatch = Annotated[int | None, Depends(if_match)]
CorrelationId = Annotated[str, Depends(correlation_id)]


def service_app(
    service: str,
    title: str,
    tokens: TokenService,
    routers: Sequence[APIRouter],
    store: EventStore,
    larger_bodies: Mapping[str, int] | None = None,
    **state: Any,
) -> FastAPI:
    """A service's HTTP application, mounted at ``/<service>`` in both modes: its routers under
    ``/v1``, a public ``/health`` and ``/ready``, ``/openapi.json`` and the error body of
    API.md. ``larger_bodies`` maps a path (below the service) to the body size it accepts."""
    app = FastAPI(
        title=title,
        version="1.0.0",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app, title)
    app.add_middleware(RejectNul)
    app.add_middleware(BodyLimit, larger=larger_bodies or {})
    app.add_middleware(DatabaseOutage, db=store.db)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog, service=service)
    telemetry.configure()

    # FastAPI's own telemetry (on by default with OpenTelemetry installed) makes each request a
    # server span continuing the caller's traceparent, and records http.server.request.duration.
    app.state.tokens = tokens
    app.state.revocations = store.db  # holds revoked_tokens (the service's build migrates it)
    for key, value in state.items():
        setattr(app.state, key, value)
    install_error_handlers(app)
    v1 = APIRouter(prefix="/v1")
    for router in routers:
        v1.include_router(router)
    app.include_router(v1)

    @app.get("/metrics", tags=["health"], response_class=PlainTextResponse)
    async def metrics() -> PlainTextResponse:
        """This process's metrics in Prometheus text format (public: counts, no personal data)."""
        return PlainTextResponse(telemetry.prometheus_text(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/health", tags=["health"])
    async def liveness() -> dict[str, object]:
        """Liveness and the head of the service's log (public)."""
        return {"service": service, "status": "ok", "head": await store.head()}

    @app.get("/ready", tags=["health"])
    async def readiness(response: Response) -> dict[str, object]:
        """Readiness (public): the database answers and no background loop, relay or
        consumer of this process reports a problem; 503 names what is wrong."""
        problems = await readiness_problems(store.db)
        if problems:
            response.status_code = 503
            response.headers["Retry-After"] = str(Unavailable.retry_after)
        return {"service": service, "ready": not problems, "problems": problems}

    return app
