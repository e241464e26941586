"""``/auth/v1`` of the distributed mode: sign-in through OpenID Connect (authorization code +
PKCE) into the same session cookie as the embedded mode, the current session, and sign-out,
which revokes the session's token and hands back the provider's end-session address.

- ``GET /auth/v1/oidc``: public; says that sign-in is OIDC (the sign-in page shows its button).
- ``GET /auth/v1/oidc/login?next=/grid``: a new flow (state, nonce, PKCE verifier in the flow
  cookie), then 302 to the provider's authorization endpoint.
- ``GET /auth/v1/oidc/callback?code&state``: the provider's answer. The state must be the
  flow's, the code is redeemed with the verifier, the ID token verified (signature by the
  provider's JWKS, issuer, audience, times, nonce), the claims mapped to tenant, role and scope
  (``claims.py``); then the session cookie and 302 to the app. A refusal is a page saying why in
  Chinese and English, with a link back to the sign-in page.
- ``GET /auth/v1/session``, ``POST /auth/v1/sign-out`` as in the embedded mode; sign-out answers
  ``{"end_session_url": ...}`` (null when the provider has none).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from html import escape
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from wuyi_core.auth import TOKEN_HOURS, Principal, TokenService
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.errors import Unauthorized, WuyiError
from wuyi_core.http import CurrentPrincipal, correlation_id, install_error_handlers
from wuyi_core.nul import RejectNul
from wuyi_core.session import SESSION_COOKIE, check_origin

from wuyi_dashboard.oidc.claims import map_claims
from wuyi_dashboard.oidc.flow import FLOW_COOKIE, FLOW_MINUTES, FLOW_PATH, Flow, FlowCookies
from wuyi_dashboard.oidc.provider import OpenIdProvider

Revoke = Callable[[Principal, str], Awaitable[None]]
APP_PAGE = re.compile(r"^/[A-Za-z0-9/_-]{0,64}$")  # a route of the app: never another site

REFUSED_PAGE = """<!doctype html><html lang="zh-CN"><meta charset="utf-8">
<title>登录失败 / Sign-in refused</title>
<h1>统一身份认证登录失败</h1><p id="message-zh">{zh}</p>
<p lang="en" id="message-en">{en}</p>
<p><a id="back" href="/#/sign-in">返回登录页 / Back to sign-in</a></p></html>"""


def create_oidc_app(
    provider: OpenIdProvider,
    tokens: TokenService,
    flows: FlowCookies,
    revoke: Revoke,
    revocations: AbstractDatabase,
) -> FastAPI:
    """``revoke(principal, correlation_id)`` records the session token's revocation (the
    registry's ``TokenRevoked``); ``revocations``: the database the session is checked in."""
    app = FastAPI(title="Wuyi (无疫) sign-in", docs_url=None, redoc_url=None)
    app.add_middleware(RejectNul)
    app.state.tokens = tokens
    app.state.revocations = revocations
    install_error_handlers(app)
    config = provider.config

    @app.get("/v1/oidc")
    async def oidc_info() -> dict[str, Any]:
        """Public: sign-in is OpenID Connect, at ``login``."""
        return {"enabled": True, "issuer": config.issuer, "login": f"{FLOW_PATH}/login"}

    @app.get("/v1/oidc/login")
    async def login(request: Request, next: str = "/") -> Response:  # noqa: A002
        flow = Flow.new(next if APP_PAGE.match(next) else "/")
        response = RedirectResponse(await provider.authorization_url(flow), status_code=302)
        response.set_cookie(
            FLOW_COOKIE,
            flows.seal(flow),
            max_age=FLOW_MINUTES * 60,
            path=FLOW_PATH,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    @app.get("/v1/oidc/callback")
    async def callback(request: Request) -> Response:
        query = request.query_params
        try:
            flow = flows.open(request.cookies.get(FLOW_COOKIE), query.get("state"))
            if "error" in query:
                error = query.get("error_description") or query["error"]
                raise Unauthorized(
                    f"统一身份认证未授权登录：{error}", f"the provider refused: {error}", "code"
                )
            issuer = query.get("iss")
            if issuer is not None and issuer != config.issuer:  # RFC 9207: mix-up defence
                raise Unauthorized(
                    "登录回调来自其他身份提供方，已拒绝",
                    f"the callback comes from issuer {issuer}, not {config.issuer}",
                    "iss",
                )
            code = query.get("code")
            if not code:
                raise Unauthorized("登录回调缺少授权码", "the callback has no code", "code")
            who = map_claims(await provider.redeem(code, flow), config)
        except WuyiError as err:
            page = REFUSED_PAGE.format(zh=escape(err.message_zh), en=escape(err.message_en))
            refused = HTMLResponse(page, status_code=err.status)
            refused.delete_cookie(FLOW_COOKIE, path=FLOW_PATH, httponly=True, samesite="lax")
            return refused
        token = tokens.mint(who.tenant, who.role, who.scope, f"oidc:{who.subject}", name=who.name)
        response = RedirectResponse(f"/#{flow.next}", status_code=302)
        response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH, httponly=True, samesite="lax")
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=TOKEN_HOURS * 3600,
            path="/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @app.get("/v1/session")
    async def session(who: CurrentPrincipal) -> dict[str, Any]:
        """Who is signed in (from the cookie or a bearer token)."""
        return {
            "username": who.sub.removeprefix("oidc:"),
            "display_name": who.name or who.sub,
            "tenant": who.tenant,
            "role": who.role.value,
            "scope": who.scope,
            "sign_in": "oidc",  # users are the provider's: the app hides user management
        }

    @app.post("/v1/sign-out")
    async def sign_out(request: Request) -> Response:
        """Revoke the session's token (every service refuses it from then on), clear the
        cookie, and give the provider's end-session address to sign out there too."""
        check_origin(request.method, request.headers)
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie is not None:
            try:
                who = tokens.verify(cookie)
            except WuyiError:
                who = None  # expired or foreign: nothing to revoke
            if who is not None:
                await revoke(who, correlation_id(request))
        try:
            end_session = await provider.end_session_url()
        except WuyiError:  # the provider is out of reach: signed out here all the same
            end_session = None
        response = JSONResponse({"end_session_url": end_session})
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    return app
