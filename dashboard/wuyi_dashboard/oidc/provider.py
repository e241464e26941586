"""The relying party's talk with the OpenID Provider: discovery, the authorization URL, the
code exchange (with the PKCE verifier and the client secret) and the ID token's verification.

The ID token is verified with PyJWT against the provider's JWKS (``jwks_uri`` of discovery):
an asymmetric algorithm only (never ``none`` or HMAC, which would let the client secret sign),
the key found by ``kid`` (the JWKS fetched again once when the ``kid`` is unknown, for key
rotation), then issuer, audience (and ``azp`` when there are several), expiry, issue time and
our nonce.
"""

from __future__ import annotations

import hmac
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from wuyi_core.errors import Unauthorized, Unavailable

from wuyi_dashboard.oidc.config import OidcConfig
from wuyi_dashboard.oidc.flow import Flow

ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
LEEWAY_SECONDS = 60
DISCOVERY_SECONDS = 3600


def refused(zh: str, en: str) -> Unauthorized:
    return Unauthorized(
        f"统一身份认证登录失败：{zh}", f"OpenID Connect sign-in refused: {en}", "id_token"
    )


def verify_id_token(
    id_token: str, jwks: dict[str, Any], config: OidcConfig, nonce: str
) -> dict[str, Any]:
    """The ID token's claims once its signature (against ``jwks``), issuer, audience, times
    and nonce are checked; 401 otherwise. Pure: the caller fetched ``jwks``."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as err:
        raise refused("ID 令牌格式错误", f"malformed ID token: {err}") from err
    alg = header.get("alg")
    if alg not in ASYMMETRIC:
        raise refused(f"ID 令牌的签名算法 {alg} 不被接受", f"ID token algorithm {alg} refused")
    key = _key(jwks, header.get("kid"), alg)
    if key is None:
        raise refused(
            "ID 令牌不是由身份提供方的密钥签名的",
            f"no key of the provider's JWKS matches the ID token (kid {header.get('kid')})",
        )
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key,
            algorithms=[alg],
            audience=config.client_id,
            issuer=config.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
        )
    except jwt.InvalidSignatureError as err:
        raise refused(
            "ID 令牌签名校验失败（不是身份提供方签发的）",
            "the ID token's signature does not verify against the provider's keys",
        ) from err
    except jwt.PyJWTError as err:
        raise refused(f"ID 令牌无效（{err}）", f"invalid ID token: {err}") from err
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != config.client_id:
        raise refused("ID 令牌的 azp 不是本系统", "the ID token's azp is not this client")
    if not isinstance(claims["nonce"], str) or not hmac.compare_digest(
        claims["nonce"].encode(), nonce.encode()
    ):
        raise refused(
            "ID 令牌的 nonce 与本次登录不符（可能是被注入的授权码），已拒绝",
            "the ID token's nonce does not match this sign-in (an injected code?)",
        )
    return claims


def _key(jwks: dict[str, Any], kid: object, alg: str) -> Any:
    try:
        keys = jwt.PyJWKSet.from_dict(jwks).keys
    except jwt.PyJWTError:
        return None
    fits = [
        k
        for k in keys
        if (kid is None or k.key_id == kid)
        and (k.public_key_use in (None, "sig"))
        and getattr(k, "_jwk_data", {}).get("alg") in (None, alg)
    ]
    return fits[0].key if len(fits) == 1 or (fits and kid is not None) else None


class OpenIdProvider:
    def __init__(self, config: OidcConfig, http: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._http = http or httpx.AsyncClient(timeout=10.0)
        self._discovery: dict[str, Any] | None = None
        self._discovered_at = 0.0
        self._jwks: dict[str, Any] | None = None

    async def _get(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
            response.raise_for_status()
            body: dict[str, Any] = response.json()
            return body
        except (httpx.HTTPError, ValueError) as err:
            raise Unavailable(
                "统一身份认证服务暂时无法访问，请稍后再试",
                f"the identity provider is out of reach: {err}",
            ) from err

    async def discovery(self) -> dict[str, Any]:
        if self._discovery is None or time.monotonic() - self._discovered_at > DISCOVERY_SECONDS:
            found = await self._get(f"{self.config.issuer}/.well-known/openid-configuration")
            if found.get("issuer") != self.config.issuer:
                raise Unavailable(
                    "统一身份认证服务的发现文档与配置的签发者不一致",
                    f"discovery names issuer {found.get('issuer')}, not {self.config.issuer}",
                )
            self._discovery, self._discovered_at, self._jwks = found, time.monotonic(), None
        return self._discovery

    async def jwks(self, refresh: bool = False) -> dict[str, Any]:
        if self._jwks is None or refresh:
            self._jwks = await self._get((await self.discovery())["jwks_uri"])
        return self._jwks

    async def authorization_url(self, flow: Flow) -> str:
        query = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": self.config.redirect_uri,
            "scope": self.config.scopes,
            "state": flow.state,
            "nonce": flow.nonce,
            "code_challenge": flow.challenge,
            "code_challenge_method": "S256",
        }
        return f"{(await self.discovery())['authorization_endpoint']}?{urlencode(query)}"

    async def end_session_url(self) -> str | None:
        endpoint = (await self.discovery()).get("end_session_endpoint")
        if not endpoint:
            return None
        query = {"client_id": self.config.client_id}
        if self.config.post_logout_redirect_uri:
            query["post_logout_redirect_uri"] = self.config.post_logout_redirect_uri
        return f"{endpoint}?{urlencode(query)}"

    async def redeem(self, code: str, flow: Flow) -> dict[str, Any]:
        """Exchange the code (with the PKCE verifier) for tokens; the verified ID token's
        claims."""
        endpoint = (await self.discovery())["token_endpoint"]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.config.redirect_uri,
            "code_verifier": flow.verifier,
        }
        try:
            response = await self._http.post(
                endpoint, data=form, auth=(self.config.client_id, self.config.client_secret)
            )
        except httpx.HTTPError as err:
            raise Unavailable(
                "统一身份认证服务暂时无法访问，请稍后再试",
                f"the identity provider is out of reach: {err}",
            ) from err
        body = response.json() if response.content else {}
        if response.status_code != 200 or "id_token" not in body:
            error = body.get("error", response.status_code) if isinstance(body, dict) else "?"
            raise refused(
                f"授权码无效或已使用（{error}）", f"the provider refused the code ({error})"
            )
        id_token = str(body["id_token"])
        jwks = await self.jwks()
        kid = jwt.get_unverified_header(id_token).get("kid")
        if kid is not None and all(k.get("kid") != kid for k in jwks.get("keys", [])):
            jwks = await self.jwks(refresh=True)  # the provider rotated its keys
        return verify_id_token(id_token, jwks, self.config, flow.nonce)
