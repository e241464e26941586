"""The notifier's HTTP application, mounted at ``/notifier`` in both modes."""

from __future__ import annotations

from fastapi import FastAPI
from wuyi_core.auth import TokenService
from wuyi_core.http import service_app

from wuyi_notifier.api import deliveries, inbox, settings, subscriptions
from wuyi_notifier.bootstrap import Notifier


def create_app(notifier: Notifier, tokens: TokenService) -> FastAPI:
    routers = [inbox.router, subscriptions.router, deliveries.router, settings.router]
    return service_app(
        "notifier", "Wuyi notifier (通知服务)", tokens, routers, notifier.store, notifier=notifier
    )
