"""Distributed sign-in with OpenID Connect (issue #11: "Distributed mode signs in with OpenID
Connect (authorization code + PKCE). Roles and scopes are mapped from claims, and the mapping is
documented. It is tested against a certified OpenID Provider run locally").

In process: the registry's process as ``wuyi serve registry`` composes it (``wuyi.web_signin``),
on SQLite and PostgreSQL, against panva's ``oidc-provider`` run by node on a free port
(``tests/oidc/``), whose login and consent forms the tests fill in over HTTP."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from wuyi_core.auth import Role, TokenService
from wuyi_core.errors import Forbidden, Unauthorized
from wuyi_core.loops import root_app
from wuyi_core.settings import WuyiSettings
from wuyi_dashboard.oidc.claims import map_claims
from wuyi_dashboard.oidc.config import OidcConfig
from wuyi_dashboard.oidc.flow import FLOW_COOKIE, challenge_of
from wuyi_dashboard.oidc.provider import verify_id_token
from wuyi_registry.api.app import create_app as registry_app
from wuyi_registry.bootstrap import build_registry

from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, running_provider, through_provider
from wuyi.embedded import create_embedded_app, open_accounts, open_embedded
from wuyi.web_signin import web_mounts

SITE = "http://localhost"
CALLBACK = f"{SITE}/auth/v1/oidc/callback"
SECRET = "a-test-jwt-secret-of-at-least-32-characters"
ORIGIN = {"Origin": SITE}


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    with running_provider([CALLBACK], [f"{SITE}/"]) as url:
        yield url


def config_for(issuer: str, **changes: object) -> OidcConfig:
    base = {
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": CALLBACK,
        "post_logout_redirect_uri": f"{SITE}/",
        "scopes": "openid profile wuyi",
    }
    return OidcConfig(**{**base, **changes})  # type: ignore[arg-type]


@pytest.fixture
async def site(db, issuer) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    """The registry's process with the web app and OIDC sign-in, and the registry itself."""
    registry = await build_registry(db)
    tokens = TokenService(SECRET)
    mounts = {
        "/registry": registry_app(registry, tokens),
        **web_mounts(registry, tokens, SECRET, config_for(issuer)),
    }
    app = root_app("test", mounts, [])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SITE) as client:
        yield client, registry


async def signed_in(client: httpx.AsyncClient, login: str) -> httpx.Response:
    """Sign in as ``login`` at the provider; our callback's answer."""
    started = await client.get("/auth/v1/oidc/login?next=/grid")
    assert started.status_code == 302
    async with httpx.AsyncClient() as browser:  # the provider's side, with its own cookies
        back = await through_provider(browser, started.headers["location"], login, CALLBACK)
    return await client.get(back.removeprefix(SITE))


async def test_the_code_flow_with_pkce_ends_in_the_session_cookie_a_service_accepts(site, issuer):
    client, _ = site
    started = await client.get("/auth/v1/oidc/login?next=/grid")
    query = parse_qs(urlsplit(started.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["response_type"] == ["code"]
    flow = jwt.decode(client.cookies[FLOW_COOKIE], options={"verify_signature": False})
    assert query["code_challenge"] == [challenge_of(flow["verifier"])]
    assert query["state"] == [flow["state"]] and query["nonce"] == [flow["nonce"]]
    flow_cookie = started.headers["set-cookie"].lower()
    assert "httponly" in flow_cookie and "samesite=lax" in flow_cookie
    async with httpx.AsyncClient() as browser:
        back = await through_provider(
            browser, started.headers["location"], "county-admin", CALLBACK
        )
    landed = await client.get(back.removeprefix(SITE))
    assert landed.status_code == 302 and landed.headers["location"] == "/#/grid"
    cookie = [c for c in landed.headers.get_list("set-cookie") if c.startswith("wuyi_session=")]
    assert cookie and "httponly" in cookie[0].lower() and "samesite=strict" in cookie[0].lower()
    replayed = await client.get(back.removeprefix(SITE))  # the flow cookie is used up
    assert replayed.status_code == 401 and "登录流程已失效" in replayed.text
    who = (await client.get("/auth/v1/session")).json()
    assert who == {
        "username": "county-admin",
        "display_name": "王县管",
        "tenant": "t1",
        "role": "county_admin",
        "scope": None,
        "sign_in": "oidc",
    }
    # the same signed token as a bearer token: a service accepts the cookie
    entities = await client.get("/registry/v1/entities")
    assert entities.status_code == 200, entities.text
    created = await client.post(
        "/registry/v1/entities", json={"name": "示范县", "kind": "county"}, headers=ORIGIN
    )
    assert created.status_code == 201, created.text


async def test_a_role_list_maps_to_its_one_wuyi_role_and_the_scope_claim_to_the_scope(site):
    """Providers carry other systems' roles too: those are ignored, the one that is Wuyi's
    counts, and the scope claim bounds what the person may touch."""
    client, _ = site
    landed = await signed_in(client, "grid-worker")
    assert landed.status_code == 302
    who = (await client.get("/auth/v1/session")).json()
    assert (who["role"], who["scope"], who["display_name"]) == ("grid_member", "g-0001", "张网格员")
    refused = await client.post(
        "/registry/v1/entities", json={"name": "县", "kind": "county"}, headers=ORIGIN
    )
    assert refused.status_code == 403


async def test_the_embedded_mode_says_its_sign_in_is_not_oidc(tmp_path):
    services, tokens = await open_embedded(tmp_path / "data")
    accounts = await open_accounts(tmp_path / "data")
    app = create_embedded_app(services, tokens, accounts)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=SITE
        ) as client:
            assert (await client.get("/auth/v1/oidc")).json() == {"enabled": False}
    finally:
        await services.close()
        await accounts.db.close()


async def test_sign_out_revokes_the_session_and_offers_the_providers_end_session(site, issuer):
    client, registry = site
    await signed_in(client, "county-admin")
    session = client.cookies["wuyi_session"]
    out = await client.post("/auth/v1/sign-out", headers=ORIGIN)
    assert out.status_code == 200
    end = out.json()["end_session_url"]
    assert end.startswith(f"{issuer}/session/end?") and f"client_id={CLIENT_ID}" in end
    assert "wuyi_session" not in client.cookies  # cleared
    # the cookie's token, presented again (stolen before sign-out), is refused: revoked
    client.cookies.set("wuyi_session", session)
    replay = await client.get("/registry/v1/entities")
    assert replay.status_code == 401 and "吊销" in replay.json()["error"]["message_zh"]
    jti = jwt.decode(session, options={"verify_signature": False})["jti"]
    [revoked] = await registry.store.read_stream("t1", f"token:{jti}")
    assert revoked.type == "cn.wuyi.registry.token.revoked.v1"  # TokenRevoked, for every service


async def test_a_callback_with_a_tampered_state_is_refused(site):
    """The state binds the provider's answer to the browser that asked: an attacker's code
    (login CSRF) or an altered answer does not sign anyone in."""
    client, _ = site
    started = await client.get("/auth/v1/oidc/login")
    async with httpx.AsyncClient() as browser:
        back = await through_provider(
            browser, started.headers["location"], "county-admin", CALLBACK
        )
    parts = urlsplit(back)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = query["state"][:-2] + ("AA" if not query["state"].endswith("AA") else "BB")
    refused = await client.get("/auth/v1/oidc/callback", params=query)
    assert refused.status_code == 401
    assert "state 参数与本浏览器发起的登录不符" in refused.text
    assert "does not match the sign-in this browser started" in refused.text
    assert "wuyi_session" not in client.cookies


async def test_a_callback_naming_another_issuer_is_refused(site):
    """Mix-up (RFC 9207): an answer that says it comes from another provider is not redeemed."""
    client, _ = site
    landed = await client.get("/auth/v1/oidc/login")
    async with httpx.AsyncClient() as browser:
        back = await through_provider(browser, landed.headers["location"], "county-admin", CALLBACK)
    query = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
    refused = await client.get(
        "/auth/v1/oidc/callback", params={**query, "iss": "https://evil.example"}
    )
    assert refused.status_code == 401 and "登录回调来自其他身份提供方" in refused.text
    assert "wuyi_session" not in client.cookies


async def test_a_code_issued_for_another_nonce_is_refused(site, issuer):
    """Code injection: a code obtained with another nonce (a stolen or planted one) is
    redeemed, but its ID token does not carry this sign-in's nonce."""
    client, _ = site
    started = await client.get("/auth/v1/oidc/login")
    location = started.headers["location"]
    nonce = parse_qs(urlsplit(location).query)["nonce"][0]
    planted = location.replace(f"nonce={nonce}", "nonce=someone-elses-nonce")
    async with httpx.AsyncClient() as browser:
        back = await through_provider(browser, planted, "county-admin", CALLBACK)
    refused = await client.get(back.removeprefix(SITE))
    assert refused.status_code == 401
    assert "nonce 与本次登录不符" in refused.text and "nonce does not match" in refused.text
    assert "wuyi_session" not in client.cookies


async def test_an_account_without_a_role_claim_is_refused(site):
    client, _ = site
    refused = await signed_in(client, "no-role")
    assert refused.status_code == 403
    assert "没有本系统的角色（声明 wuyi_role）" in refused.text
    assert "has no Wuyi role (claim wuyi_role)" in refused.text
    assert "wuyi_session" not in client.cookies


def forged(issuer: str, key: object, alg: str, kid: str, nonce: str = "n-1") -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": CLIENT_ID,
        "sub": "county-admin",
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        "wuyi_tenant": "t1",
        "wuyi_role": "county_admin",
    }
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})  # type: ignore[arg-type]


def test_an_id_token_signed_by_another_key_is_refused(issuer):
    """The signature is checked against the provider's JWKS: a token with the provider's key id
    but signed by another key, or signed with the client secret (HS256), is refused."""
    jwks = httpx.get(f"{issuer}/jwks").json()
    kid = jwks["keys"][0]["kid"]
    config = config_for(issuer)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthorized) as signed_elsewhere:
        verify_id_token(forged(issuer, other, "RS256", kid), jwks, config, "n-1")
    assert "签名校验失败" in signed_elsewhere.value.message_zh
    assert "signature does not verify" in signed_elsewhere.value.message_en
    with pytest.raises(Unauthorized) as symmetric:
        verify_id_token(forged(issuer, CLIENT_SECRET, "HS256", kid), jwks, config, "n-1")
    assert "签名算法 HS256 不被接受" in symmetric.value.message_zh
    with pytest.raises(Unauthorized) as unknown_kid:
        verify_id_token(forged(issuer, other, "RS256", "not-the-providers"), jwks, config, "n-1")
    assert "不是由身份提供方的密钥签名的" in unknown_kid.value.message_zh


def test_the_pkce_challenge_is_s256_of_the_verifier():
    """RFC 7636, appendix B."""
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert challenge_of(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


CONFIG = OidcConfig(
    issuer="https://idp.example",
    client_id="wuyi",
    client_secret="s",
    redirect_uri="https://wuyi.example/auth/v1/oidc/callback",
)


def test_the_claim_mapping_table_of_docs_oidc():
    mapped = map_claims(
        {
            "sub": "u1",
            "name": "张",
            "wuyi_tenant": "t1",
            "wuyi_role": ["x", "grid_member"],
            "wuyi_scope": "g-1",
        },
        CONFIG,
    )
    assert (mapped.tenant, mapped.role, mapped.scope, mapped.name) == (
        "t1",
        Role.GRID_MEMBER,
        "g-1",
        "张",
    )
    mapped_by_table = OidcConfig(
        **{
            **CONFIG.__dict__,
            "role_claim": "groups",
            "tenant_claim": "county",
            "default_tenant": "t9",
            "role_map": {"防疫办": Role.COUNTY_ADMIN},
        }
    )
    county = map_claims({"sub": "u2", "groups": ["防疫办", "grid_member"]}, mapped_by_table)
    assert (county.tenant, county.role, county.scope) == ("t9", Role.COUNTY_ADMIN, None)
    with pytest.raises(Forbidden, match="no Wuyi role"):  # with a table, only the table counts
        map_claims({"sub": "u3", "groups": ["grid_member"]}, mapped_by_table)


@pytest.mark.parametrize(
    ("claims", "field", "zh"),
    [
        ({"wuyi_role": "county_admin"}, "wuyi_tenant", "未提供部署单位"),
        ({"wuyi_tenant": "t1", "wuyi_role": "root"}, "wuyi_role", "没有本系统的角色"),
        (
            {"wuyi_tenant": "t1", "wuyi_role": ["county_admin", "grid_member"], "wuyi_scope": "g"},
            "wuyi_role",
            "对应多个角色",
        ),
        ({"wuyi_tenant": "t1", "wuyi_role": "grid_member"}, "wuyi_scope", "必须有管辖范围"),
    ],
)
def test_claims_that_do_not_say_who_may_do_what_are_refused(claims, field, zh):
    with pytest.raises(Forbidden) as refused:
        map_claims({"sub": "u", **claims}, CONFIG)
    assert refused.value.field == field and zh in refused.value.message_zh


def test_oidc_settings_are_off_unset_refused_half_set_and_https_only(monkeypatch):
    assert OidcConfig.from_settings(WuyiSettings()) is None
    monkeypatch.setenv("WUYI_OIDC_ISSUER", "https://idp.example")
    with pytest.raises(ValueError, match="WUYI_OIDC_CLIENT_ID"):
        OidcConfig.from_settings(WuyiSettings())
    monkeypatch.setenv("WUYI_OIDC_CLIENT_ID", "wuyi")
    monkeypatch.setenv("WUYI_OIDC_CLIENT_SECRET", "s")
    monkeypatch.setenv("WUYI_OIDC_REDIRECT_URI", "https://wuyi.example/auth/v1/oidc/callback")
    monkeypatch.setenv("WUYI_OIDC_ROLE_MAP", '{"防疫办": "county_admin"}')
    config = OidcConfig.from_settings(WuyiSettings())
    assert config is not None and config.role_map == {"防疫办": Role.COUNTY_ADMIN}
    monkeypatch.setenv("WUYI_OIDC_ISSUER", "http://idp.example")  # tokens in clear: refused
    with pytest.raises(ValueError, match="https"):
        OidcConfig.from_settings(WuyiSettings())
