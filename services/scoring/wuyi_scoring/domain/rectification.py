"""Rectification (整改) before applying again, after a rejection or a delisting (seed 003:
验收未通过的,加强整改,在下批次复验): never again in the same batch, and in a later batch only once
the rectification is recorded."""

from __future__ import annotations

from collections.abc import Iterable

from wuyi_core.errors import Conflict

from wuyi_scoring.domain.application import Status

ENDED = frozenset({Status.REJECTED, Status.DELISTED, Status.RECTIFIED})
SEED_RULE = "验收未通过的,加强整改,在下批次复验"


class SameBatch(Conflict):
    code = "rectify_next_batch"

    def __init__(self) -> None:
        super().__init__(
            f"该主体在本批次的申报未通过或已被摘牌，须整改后在下批次复验（{SEED_RULE}）",
            "the entity's application in this batch was rejected or delisted: it rectifies and "
            "applies again from the next batch (seed 003, re-review in the next batch)",
            "batch_id",
        )


class NotRectified(Conflict):
    code = "rectification_not_recorded"

    def __init__(self, application_id: str) -> None:
        super().__init__(
            f"该主体的申报 {application_id} 未通过或已被摘牌，须先记录整改，方可在下批次复验"
            f"（{SEED_RULE}）",
            f"the entity's application {application_id} was rejected or delisted: record its "
            "rectification before applying again (seed 003, rectify, then re-review in the "
            "next batch)",
            "entity_id",
        )


def check_may_apply(batch_id: str, earlier: Iterable[tuple[str, str, Status]]) -> None:
    """Refuse a new application in ``batch_id`` given the entity's ``earlier`` applications of
    the campaign as (application id, batch id, status)."""
    earlier = list(earlier)
    if any(batch == batch_id and status in ENDED for _, batch, status in earlier):
        raise SameBatch()
    for application_id, _, status in earlier:
        if status in (Status.REJECTED, Status.DELISTED):
            raise NotRectified(application_id)
