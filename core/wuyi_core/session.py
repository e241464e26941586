"""The web application's session: the same signed token as a bearer token, carried in an
HttpOnly, SameSite=Strict cookie instead of script-readable storage.

CSRF: a request that authenticates with the cookie and changes state (any method but GET, HEAD,
OPTIONS) must carry an ``Origin`` header naming this host. Browsers set ``Origin`` on every
cross-origin request and on same-origin POST/PUT/DELETE, and a page cannot forge it, so a form
or script on another origin (even a sibling subdomain, which SameSite alone lets through) is
refused. Bearer-token clients are not affected: they send no cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from wuyi_core.errors import Forbidden

SESSION_COOKIE = "wuyi_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def same_origin(headers: Mapping[str, str]) -> bool:
    """Whether the request's ``Origin`` names the host it was sent to."""
    origin = headers.get("origin")
    host = headers.get("host")
    if not origin or not host or origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


def check_origin(method: str, headers: Mapping[str, str]) -> None:
    """Refuse (403) a state-changing cookie-authenticated request from another origin."""
    if method.upper() not in SAFE_METHODS and not same_origin(headers):
        raise Forbidden(
            "请求来源校验失败：请从本系统页面操作（跨站请求被拒绝）",
            "cross-site request refused: the Origin header does not name this site",
            "origin",
        )
