"""The applicant reads why its application was rejected (issue #11, the applicant's page): the
rejection's note is what it must rectify before the next batch."""

from __future__ import annotations

from ..conftest import advance, build_county, launch


async def test_the_applicant_reads_the_township_s_rejection_note(stack):
    """Seed 003: '验收未通过的,加强整改,在下批次复验' — the applicant must know what to rectify."""
    county = await build_county(stack, compounds=1)
    entity = county["compounds"][0]
    campaign = await launch(stack)
    app_id = await advance(stack, campaign, entity, county["town"], "submitted")
    path = f"/scoring/v1/applications/{app_id}"
    township = {"role": "township_reviewer", "scope": county["town"]}
    body = {"decision": "reject", "note": "消杀台账缺失"}
    rejected = await stack.post(f"{path}/township-review", body, **township)
    assert rejected.status_code == 200, rejected.text
    seen = await stack.get(path, role="entity_admin", scope=entity)
    assert seen.status_code == 200, seen.text
    assert seen.json()["status"] == "rejected"
    assert seen.json()["rejection"]["note"] == "消杀台账缺失"
