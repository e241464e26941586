"""Embedded sign-in (issue #11, "Sign-in and users"), in process: a county admin creates users,
passwords are hashed, sign-in is throttled, the session is an HttpOnly SameSite=Strict cookie
the services accept, state-changing cookie requests must come from this origin, and bearer
tokens keep working (API.md does not break)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from wuyi_core.auth import Role
from wuyi_dashboard.accounts import throttle
from wuyi_dashboard.accounts.passwords import hash_password, verify_password
from wuyi_dashboard.accounts.store import Accounts

from wuyi.embedded import create_embedded_app, open_accounts, open_embedded

ORIGIN = {"Origin": "http://wuyi.test"}


@pytest.fixture
async def site(tmp_path):
    services, tokens = await open_embedded(tmp_path / "data")
    accounts = await open_accounts(tmp_path / "data")
    app = create_embedded_app(services, tokens, accounts)
    admin = tokens.mint("t1", Role.COUNTY_ADMIN, None, "admin-cli")
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://wuyi.test"
        ) as client:
            yield client, {"Authorization": f"Bearer {admin}"}
    finally:
        await services.close()
        await accounts.db.close()


async def add_user(client, admin, username="wang", role="county_evaluator", scope=None):
    body = {"username": username, "display_name": "王", "role": role, "scope": scope}
    created = await client.post("/auth/v1/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    return created.json()["password"]


async def sign_in(client, username, password, headers=ORIGIN):
    body = {"tenant": "t1", "username": username, "password": password}
    return await client.post("/auth/v1/sign-in", json=body, headers=headers)


async def test_a_county_admin_creates_a_user_who_signs_in_into_an_httponly_strict_cookie(site):
    client, admin = site
    password = await add_user(client, admin)
    response = await sign_in(client, "wang", password)
    assert response.status_code == 200 and response.json()["role"] == "county_evaluator"
    cookie = response.headers["set-cookie"].lower()
    assert "wuyi_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "wuyi_session" not in response.text  # the token never reaches script
    who = await client.get("/auth/v1/session")
    assert who.json()["username"] == "wang"
    settings = await client.get("/reporting/v1/settings")  # the services accept the cookie
    assert settings.status_code == 200


async def test_only_a_county_admin_creates_users_and_other_roles_need_a_scope(site):
    client, admin = site
    password = await add_user(client, admin)
    await sign_in(client, "wang", password)
    body = {"username": "li", "display_name": "李", "role": "county_admin"}
    refused = await client.post("/auth/v1/users", json=body, headers=ORIGIN)
    assert refused.status_code == 403
    unscoped = {"username": "li", "display_name": "李", "role": "grid_member"}
    missing = await client.post("/auth/v1/users", json=unscoped, headers=admin)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "scope"
    unknown = await client.post("/auth/v1/users", json={**unscoped, "scope": "nope"}, headers=admin)
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "scope"
    again = {"username": "wang", "display_name": "王", "role": "county_admin"}
    assert (await client.post("/auth/v1/users", json=again, headers=admin)).status_code == 409


async def test_a_cross_site_request_with_the_session_cookie_is_refused(site):
    """CSRF: a state-changing request carried by the cookie must name this origin."""
    client, admin = site
    await sign_in(client, "boss", await add_user(client, admin, "boss", "county_admin"))
    body = {"timezone": "Asia/Shanghai"}
    forged = await client.put(
        "/reporting/v1/settings", json=body, headers={"Origin": "http://evil.test"}
    )
    assert forged.status_code == 403 and forged.json()["error"]["field"] == "origin"
    no_origin = await client.put("/reporting/v1/settings", json=body)
    assert no_origin.status_code == 403
    same = await client.put("/reporting/v1/settings", json=body, headers=ORIGIN)
    assert same.status_code == 200


async def test_sign_in_from_another_site_is_refused(site):
    client, admin = site
    password = await add_user(client, admin)
    response = await sign_in(client, "wang", password, headers={"Origin": "http://evil.test"})
    assert response.status_code == 403 and "set-cookie" not in response.headers


async def test_bearer_tokens_still_work_without_an_origin(site):
    client, admin = site
    assert (await client.put("/reporting/v1/settings", json={}, headers=admin)).status_code == 200


async def test_sign_in_is_throttled_after_five_wrong_passwords(site):
    client, admin = site
    password = await add_user(client, admin)
    for _ in range(throttle.MAX_FAILURES):
        wrong = await sign_in(client, "wang", "guess-guess")
        assert wrong.status_code == 401
        assert wrong.json()["error"]["message_zh"] == "用户名或密码错误"
    blocked = await sign_in(client, "wang", password)  # even the right one, for now
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    assert "密码错误次数过多" in blocked.json()["error"]["message_zh"]


async def test_signing_out_ends_the_session(site):
    client, admin = site
    await sign_in(client, "wang", await add_user(client, admin))
    assert (await client.post("/auth/v1/sign-out", headers=ORIGIN)).status_code == 204
    assert (await client.get("/auth/v1/session")).status_code == 401


async def test_signing_out_revokes_the_sessions_token_so_a_copied_cookie_is_refused(site):
    """A stolen copy of the cookie must not outlive the sign-out: the token is revoked
    (TokenRevoked in the registry), not only deleted from this browser."""
    client, admin = site
    await sign_in(client, "wang", await add_user(client, admin))
    copied = client.cookies.get("wuyi_session")
    assert copied and (await client.get("/registry/v1/entities")).status_code == 200
    assert (await client.post("/auth/v1/sign-out", headers=ORIGIN)).status_code == 204
    replay = await client.get(
        "/registry/v1/entities", headers={"Authorization": f"Bearer {copied}"}
    )
    assert replay.status_code == 401


def test_passwords_are_stored_as_salted_scrypt_hashes():
    encoded = hash_password("correct horse")
    assert encoded.startswith("scrypt$15$8$3$") and "correct horse" not in encoded
    assert encoded != hash_password("correct horse")  # salted
    assert verify_password("correct horse", encoded)
    assert not verify_password("correct horsf", encoded)


def test_the_throttle_frees_the_account_when_the_oldest_failure_ages_out():
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    failures = [now - timedelta(minutes=m) for m in (14, 10, 5, 2, 1)]
    assert throttle.retry_after(failures, now) == 61
    assert throttle.retry_after(failures, now + timedelta(minutes=1, seconds=1)) is None
    assert throttle.retry_after(failures[1:], now) is None


async def test_accounts_and_failures_are_kept_in_the_deployment_database(db):
    accounts = await Accounts(db).migrate()
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    await accounts.create("t1", "wang", "王", Role.GRID_MEMBER, "g-1", "scrypt$x", now, "admin")
    user = await accounts.get("t1", "wang")
    assert user is not None and user["scope"] == "g-1" and user["role"] == "grid_member"
    assert await accounts.get("t2", "wang") is None
    await accounts.fail(["account:t1:wang"], now, now - throttle.WINDOW)
    assert await accounts.failures("account:t1:wang", now - throttle.WINDOW) == [now]
    await accounts.forgive("account:t1:wang")
    assert await accounts.failures("account:t1:wang", now - throttle.WINDOW) == []


async def test_a_nul_in_a_user_name_is_422_naming_it_not_a_server_error(site):
    client, admin = site
    body = {"username": "wa\u0000ng", "display_name": "王", "role": "county_evaluator"}
    created = await client.post("/auth/v1/users", json=body, headers=admin)
    assert created.status_code == 422 and created.json()["error"]["field"] == "username"
    signed = await sign_in(client, "wang\u0000", "x")
    assert signed.status_code == 422 and signed.json()["error"]["field"] == "username"
