"""The scoring service's HTTP application, mounted at ``/scoring`` in both modes."""

from __future__ import annotations

from fastapi import FastAPI
from wuyi_core.auth import TokenService
from wuyi_core.http import service_app
from wuyi_core.limits import MAX_UPLOAD_BYTES

from wuyi_scoring.api import (
    applications,
    campaigns,
    charts,
    county,
    entities,
    evidence,
    exports,
    objections,
    public,
    quota_status,
)
from wuyi_scoring.bootstrap import Scoring


def create_app(scoring: Scoring, tokens: TokenService) -> FastAPI:
    routers = [
        campaigns.router,
        public.router,
        applications.router,
        objections.router,
        entities.router,
        evidence.router,
        county.router,
        quota_status.router,
        charts.router,
        exports.router,
    ]
    return service_app(
        "scoring",
        "Wuyi scoring (评比服务)",
        tokens,
        routers,
        scoring.store,
        larger_bodies={"/v1/evidence": MAX_UPLOAD_BYTES},
        scoring=scoring,
    )
