"""``/auth/v1``: password sign-in into the session cookie, sign-out, the current session, and
the county admin's user management (embedded mode)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from wuyi_core.auth import TOKEN_HOURS, Principal, Role, TokenService, require
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.errors import InvalidInput, Unauthorized, WuyiError
from wuyi_core.http import CurrentPrincipal, install_error_handlers
from wuyi_core.nul import RejectNul
from wuyi_core.session import SESSION_COOKIE, check_origin

from wuyi_dashboard.accounts import throttle
from wuyi_dashboard.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    new_password,
    verify_password,
)
from wuyi_dashboard.accounts.store import Accounts

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
COUNTY_ROLES = (Role.COUNTY_ADMIN, Role.COUNTY_EVALUATOR)


class Throttled(WuyiError):
    status = 429
    code = "throttled"

    def __init__(self, seconds: int) -> None:
        minutes = (seconds + 59) // 60
        super().__init__(
            f"密码错误次数过多，请 {minutes} 分钟后再试",
            f"too many wrong passwords; try again in {minutes} minutes",
            "password",
        )
        self.retry_after = seconds


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tenant: Name = "demo"
    username: Name
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Name
    display_name: Name
    role: Role
    scope: Name | None = None
    password: Annotated[str, StringConstraints(min_length=10, max_length=200)] | None = Field(
        default=None, description="omitted: a random password is generated and returned once"
    )


ScopeCheck = Callable[[str, str], Awaitable[bool]]
Revoke = Callable[[Principal], Awaitable[object]]


def create_accounts_app(
    accounts: Accounts,
    tokens: TokenService,
    known_scope: ScopeCheck,
    revocations: AbstractDatabase,
    clock: Clock | None = None,
    revoke: Revoke | None = None,
) -> FastAPI:
    """``known_scope(tenant, id)``: whether an entity or grid of that id exists;
    ``revocations``: a database holding the revoked tokens (a service's registry replica);
    ``revoke(who)``: revoke the session's token (the registry's TokenRevoked) at sign-out."""
    app = FastAPI(title="Wuyi (无疫) accounts", docs_url=None, redoc_url=None)
    app.add_middleware(RejectNul)
    app.state.tokens = tokens
    app.state.revocations = revocations
    install_error_handlers(app)
    time = clock or SystemClock()

    @app.exception_handler(Throttled)
    async def throttled(_: Request, exc: Throttled) -> Response:
        return JSONResponse(
            exc.body(), status_code=429, headers={"Retry-After": str(exc.retry_after)}
        )

    @app.get("/v1/oidc")
    async def oidc_info() -> dict[str, bool]:
        """Public: this deployment signs in with passwords, not OpenID Connect."""
        return {"enabled": False}

    @app.post("/v1/sign-in")
    async def sign_in(body: SignIn, request: Request, response: Response) -> dict[str, Any]:
        """Check the password (throttled per account and per client address) and set the
        session cookie (HttpOnly, SameSite=Strict)."""
        check_origin(request.method, request.headers)
        now = time.now()
        client = request.client.host if request.client else "unknown"
        keys = [f"account:{body.tenant}:{body.username}", f"client:{client}"]
        limits = [throttle.MAX_FAILURES, throttle.MAX_CLIENT_FAILURES]
        for key, limit in zip(keys, limits, strict=True):
            failures = await accounts.failures(key, now - throttle.WINDOW)
            wait = throttle.retry_after(failures, now, limit)
            if wait is not None:
                raise Throttled(wait)
        user = await accounts.get(body.tenant, body.username)
        encoded = user["password_hash"] if user else DUMMY_HASH
        if not await asyncio.to_thread(verify_password, body.password, encoded) or not user:
            await accounts.fail(keys, now, now - throttle.WINDOW)
            raise Unauthorized("用户名或密码错误", "wrong username or password", "password")
        await accounts.forgive(keys[0])
        role = Role(user["role"])
        token = tokens.mint(body.tenant, role, user["scope"], sub=f"user:{body.username}")
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=TOKEN_HOURS * 3600,
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return _session(tokens.verify(token), user["display_name"])

    @app.post("/v1/sign-out", status_code=204)
    async def sign_out(request: Request, response: Response) -> None:
        """Revoke the session's token, so a copy of the cookie is refused from now on (not only
        forgotten by this browser), and clear the cookie."""
        check_origin(request.method, request.headers)
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie and revoke is not None:
            try:
                who = tokens.verify(cookie)
            except WuyiError:
                who = None  # expired or forged: nothing to revoke
            if who is not None and who.jti is not None:
                await revoke(who)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")

    @app.get("/v1/session")
    async def session(who: CurrentPrincipal) -> dict[str, Any]:
        """Who is signed in (from the cookie or a bearer token)."""
        username = who.sub.removeprefix("user:")
        user = await accounts.get(who.tenant, username) if who.sub.startswith("user:") else None
        return _session(who, user["display_name"] if user else who.sub)

    @app.post("/v1/users", status_code=201)
    async def create_user(body: NewUser, who: CurrentPrincipal) -> dict[str, Any]:
        """A county admin creates a user with a role and a scope (an entity or grid id; none
        for county roles, who act on the whole tenant)."""
        require(who, [Role.COUNTY_ADMIN], [])
        if not USERNAME.match(body.username):
            raise InvalidInput(
                "用户名应为 2-40 位字母、数字、点、横线或下划线",
                "username: 2-40 letters, digits, '.', '-' or '_'",
                "username",
            )
        if body.scope is None and body.role not in COUNTY_ROLES:
            raise InvalidInput(
                "该角色必须指定管辖范围（主体或网格编号）",
                f"role {body.role.value} needs a scope (an entity or grid id)",
                "scope",
            )
        if body.scope is not None and not await known_scope(who.tenant, body.scope):
            raise InvalidInput(
                f"管辖范围不存在：{body.scope}（应为主体或网格编号）",
                f"scope: no entity or grid {body.scope}",
                "scope",
            )
        password = body.password or new_password()
        encoded = await asyncio.to_thread(hash_password, password)
        await accounts.create(
            who.tenant,
            body.username,
            body.display_name,
            body.role,
            body.scope,
            encoded,
            time.now(),
            who.sub,
        )
        created = {k: v for k, v in body.model_dump(mode="json").items() if k != "password"}
        return {**created, **({"password": password} if body.password is None else {})}

    @app.get("/v1/users")
    async def list_users(who: CurrentPrincipal) -> dict[str, Any]:
        require(who, [Role.COUNTY_ADMIN], [])
        return {"items": await accounts.all(who.tenant)}

    return app


def _session(who: Principal, display_name: str) -> dict[str, Any]:
    return {
        "username": who.sub.removeprefix("user:"),
        "display_name": display_name,
        "tenant": who.tenant,
        "role": who.role.value,
        "scope": who.scope,
    }
