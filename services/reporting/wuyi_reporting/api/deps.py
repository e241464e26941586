"""Dependencies of the reporting routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wuyi_reporting.bootstrap import Reporting


def _reporting(request: Request) -> Reporting:
    reporting: Reporting = request.app.state.reporting
    return reporting


ReportingDep = Annotated[Reporting, Depends(_reporting)]
