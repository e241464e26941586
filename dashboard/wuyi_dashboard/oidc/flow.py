"""One sign-in's secrets (state, nonce, PKCE verifier), kept between the redirect to the
provider and its answer in a short-lived cookie that only this server can read back unchanged.

The cookie is a JWT signed (HS256) with the deployment's secret under its own audience, so it is
never taken for a session; it is HttpOnly, limited to ``/auth/v1/oidc`` and ``SameSite=Lax``:
the provider's redirect back is a top-level GET from another site, which a Strict cookie would
not survive. It lives ten minutes and is cleared by the callback, so each sign-in uses it once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.errors import Unauthorized

FLOW_COOKIE = "wuyi_oidc_flow"
FLOW_PATH = "/auth/v1/oidc"
FLOW_MINUTES = 10
_AUDIENCE = "wuyi-oidc-flow"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def challenge_of(verifier: str) -> str:
    """PKCE S256 (RFC 7636 §4.2): BASE64URL(SHA256(verifier))."""
    return _b64(hashlib.sha256(verifier.encode()).digest())


@dataclass(frozen=True)
class Flow:
    state: str
    nonce: str
    verifier: str  # 43 characters of 256 random bits (RFC 7636 asks for 43-128)
    next: str  # the page of the app to go to once signed in

    @classmethod
    def new(cls, next_page: str) -> Flow:
        return cls(
            _b64(secrets.token_bytes(32)),
            _b64(secrets.token_bytes(32)),
            _b64(secrets.token_bytes(32)),
            next_page,
        )

    @property
    def challenge(self) -> str:
        return challenge_of(self.verifier)


class FlowCookies:
    def __init__(self, secret: str, clock: Clock | None = None) -> None:
        self._secret = secret
        self._clock = clock or SystemClock()

    def seal(self, flow: Flow) -> str:
        now = self._clock.now()
        claims = {
            "aud": _AUDIENCE,
            "iat": now,
            "exp": now + timedelta(minutes=FLOW_MINUTES),
            "state": flow.state,
            "nonce": flow.nonce,
            "verifier": flow.verifier,
            "next": flow.next,
        }
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def open(self, sealed: str | None, state: str | None) -> Flow:
        """The flow this browser started, if ``state`` is the one it was given (compared in
        constant time); 401 otherwise: a forged or replayed answer, or another browser's."""
        if sealed is None:
            raise Unauthorized(
                "登录流程已失效（超过 10 分钟或 Cookie 被禁用），请重新登录",
                "the sign-in flow is missing or expired (10 minutes, or cookies are off);"
                " sign in again",
                "state",
            )
        try:
            claims = jwt.decode(
                sealed,
                self._secret,
                algorithms=["HS256"],
                audience=_AUDIENCE,
                options={"require": ["exp", "aud"]},
            )
            flow = Flow(
                str(claims["state"]),
                str(claims["nonce"]),
                str(claims["verifier"]),
                str(claims["next"]),
            )
        except (jwt.PyJWTError, KeyError) as err:
            raise Unauthorized(
                "登录流程已失效，请重新登录", f"the sign-in flow is invalid: {err}", "state"
            ) from err
        if state is None or not hmac.compare_digest(flow.state.encode(), state.encode()):
            raise Unauthorized(
                "登录回调的 state 参数与本浏览器发起的登录不符（可能是伪造的回调），已拒绝",
                "the callback's state does not match the sign-in this browser started"
                " (a forged or replayed callback); refused",
                "state",
            )
        return flow
