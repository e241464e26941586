"""The reporting service's HTTP application, mounted at ``/reporting`` in both modes."""

from __future__ import annotations

from fastapi import FastAPI
from wuyi_core.auth import TokenService
from wuyi_core.http import service_app

from wuyi_reporting.api import cases, charts, events, exports, reports, status
from wuyi_reporting.bootstrap import Reporting


def create_app(reporting: Reporting, tokens: TokenService) -> FastAPI:
    routers = [
        reports.router,
        cases.router,
        status.router,
        charts.router,
        exports.router,
        events.router,
    ]
    return service_app(
        "reporting",
        "Wuyi reporting (报告服务)",
        tokens,
        routers,
        reporting.store,
        reporting=reporting,
    )
