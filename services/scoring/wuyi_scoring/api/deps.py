"""Dependencies of the scoring routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from wuyi_scoring.bootstrap import Scoring


def _scoring(request: Request) -> Scoring:
    scoring: Scoring = request.app.state.scoring
    return scoring


ScoringDep = Annotated[Scoring, Depends(_scoring)]
