"""A certified OpenID Provider (panva's ``oidc-provider``, ``provider.js`` beside this file) on a
free loopback port, for the OIDC sign-in tests; and a driver of its sign-in pages over HTTP.

``scripts/install`` installs it (``npm ci`` here); when it is missing, ``start`` does."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from conftest import free_port

HERE = Path(__file__).resolve().parent
CLIENT_ID = "wuyi-web"
CLIENT_SECRET = "test-client-secret-of-thirty-two-chars"

# The provider's accounts: any password signs in a known login (its development interactions).
USERS: dict[str, dict[str, Any]] = {
    "county-admin": {
        "name": "王县管",
        "preferred_username": "wangxg",
        "wuyi_tenant": "t1",
        "wuyi_role": "county_admin",
    },
    "grid-worker": {
        "name": "张网格员",
        "wuyi_tenant": "t1",
        "wuyi_role": ["offline_access", "grid_member"],  # other systems' roles are ignored
        "wuyi_scope": "g-0001",
    },
    "no-role": {"name": "无角色", "wuyi_tenant": "t1"},
}


def ensure_installed() -> None:
    if (HERE / "node_modules" / "oidc-provider").is_dir():
        return
    if shutil.which("npm") is None:
        pytest.fail("npm is missing: install Node.js 20.19+ (scripts/install needs it too)")
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True
    )


@contextmanager
def running_provider(
    redirect_uris: list[str], post_logout_redirect_uris: list[str] | None = None
) -> Iterator[str]:
    """The provider's issuer URL while it runs, with one client (``CLIENT_ID``) registered for
    ``redirect_uris`` and the accounts of ``USERS``."""
    ensure_installed()
    port = free_port()
    config = {
        "port": port,
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout_redirect_uris or [],
            }
        ],
        "users": USERS,
    }
    process = subprocess.Popen(
        ["node", str(HERE / "provider.js")],
        env={**os.environ, "WUYI_TEST_OIDC": json.dumps(config)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                pytest.fail(f"the OpenID Provider did not start: {process.stderr.read()}")
            if time.monotonic() > deadline:
                pytest.fail("the OpenID Provider did not answer within 30 s")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


async def through_provider(
    browser: httpx.AsyncClient, authorize_url: str, login: str, redirect_uri: str
) -> str:
    """What a person does at the provider: its login form (POST), then its consent form; the
    URL the provider finally sends the browser to (our callback, with code and state)."""
    url = authorize_url
    for _ in range(12):
        page = await browser.get(url)
        if page.status_code == 200:  # a form: login, then consent
            action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
            prompt = re.search(r'name="prompt" value="(\w+)"', page.text)
            assert action and prompt, page.text
            form = {"prompt": prompt.group(1)}
            if prompt.group(1) == "login":
                form |= {"login": login, "password": "any password"}
            page = await browser.post(urljoin(url, html.unescape(action.group(1))), data=form)
        assert page.status_code in (302, 303), page.text
        url = urljoin(url, page.headers["location"])
        if url.startswith(redirect_uri):
            return url
    pytest.fail("the provider never sent the browser back")
