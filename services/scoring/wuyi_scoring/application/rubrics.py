"""Rubrics: the built-in seed rubrics, and a county's own, published as immutable versions.

Publishing a rubric under a code the county already used makes the next version of that code;
campaigns keep pointing at the version they were launched with, so past scores keep theirs.
"""

from __future__ import annotations

import json
from typing import Any

from wuyi_contracts.rubric import RubricBody
from wuyi_contracts.scoring import RubricPublished
from wuyi_core.auth import Principal
from wuyi_core.eventstore import EventMetadata, NewEvent
from wuyi_core.eventstore.records import new_id

from wuyi_scoring.application.access import ADMINS, authorize_county
from wuyi_scoring.bootstrap import Scoring
from wuyi_scoring.domain.seed_rubrics import BUILT_IN


async def publish_rubric(
    scoring: Scoring, who: Principal, cid: str, body: RubricBody
) -> dict[str, Any]:
    async with scoring.transaction(who.tenant) as tx:
        await authorize_county(tx, who, ADMINS)
        version = await tx.conn.fetchval(
            f"SELECT COALESCE(MAX(version), 0) FROM {tx.t['rubrics']}"
            " WHERE tenant = $1 AND code = $2",
            who.tenant,
            body.code,
        )
        rubric_id = new_id()
        event = RubricPublished(rubric_id=rubric_id, rubric_version=int(version) + 1, body=body)
        # One stream per county's rubrics: concurrent publishers of one code get a 409.
        stream = f"rubrics:{who.tenant}"
        head = await tx.conn.fetchval(
            f"SELECT COUNT(*) FROM {tx.t['rubrics']} WHERE tenant = $1", who.tenant
        )
        await tx.append(
            who.tenant, stream, int(head), [NewEvent(event)], EventMetadata.of(who, cid)
        )
    return rubric_view(rubric_id, int(version) + 1, body, built_in=False)


async def list_rubrics(scoring: Scoring, tenant: str) -> list[dict[str, Any]]:
    built_in = [rubric_view(rid, 1, body, built_in=True) for rid, body in BUILT_IN.items()]
    async with scoring.store.db.read() as conn:
        t = await scoring.projectors["scoring"].tables(conn)
        rows = await conn.fetch(
            f"SELECT rubric_id, version, body FROM {t['rubrics']} WHERE tenant = $1"
            " ORDER BY code, version",
            tenant,
        )
    own = [
        rubric_view(
            r["rubric_id"],
            int(r["version"]),
            RubricBody.model_validate_json(r["body"]),
            built_in=False,
        )
        for r in rows
    ]
    return built_in + own


def rubric_view(
    rubric_id: str, version: int, body: RubricBody, *, built_in: bool
) -> dict[str, Any]:
    return {
        "id": rubric_id,
        "version": version,
        "built_in": built_in,
        "max_total": body.max_total,
        **json.loads(body.model_dump_json()),
    }
