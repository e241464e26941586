"""The township's quota status (申报指标), ``GET /scoring/v1/quota-status``: per batch, the
township's minimum, what counts toward it (submitted) and what is still being prepared, counted
as the county's quota report counts them; on both backends."""

from __future__ import annotations

from ..conftest import advance, build_county, launch


async def test_a_township_sees_its_quota_applied_and_pending_per_batch(stack):
    """DOMAIN.md: "each township must apply at least 1 per batch" — here 2, one submitted and
    one only self-assessed: applied 1, pending 1, missing 1, as the county's report says."""
    county = await build_county(stack, compounds=3)
    campaign = await launch(stack, quotas={"per_township": 2})
    town = county["town"]
    await advance(stack, campaign, county["compounds"][0], town, "submitted")
    await advance(stack, campaign, county["compounds"][1], town, "self_assessed")
    seen = await stack.get("/scoring/v1/quota-status", role="township_reviewer", scope=town)
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert body["township"] == {"id": town, "name": "东安镇"}
    [batch] = body["batches"]
    assert batch["batch_id"] == campaign["batch_id"]
    assert (batch["required"], batch["applied"], batch["pending"]) == (2, 1, 1)
    assert (batch["missing"], batch["met"]) == (1, False)
    assert batch["by_status"] == {"self_assessed": 1, "submitted": 1}
    report = await stack.get(
        f"/scoring/v1/campaigns/{campaign['id']}/batches/{campaign['batch_id']}/quotas"
    )
    [short] = [s for s in report.json()["short"] if s["scope_id"] == town]
    assert (short["applied"], short["missing"]) == (batch["applied"], batch["missing"])


async def test_a_township_meets_its_quota_once_enough_are_submitted(stack):
    county = await build_county(stack, compounds=2)
    campaign = await launch(stack, quotas={"per_township": 1})
    await advance(stack, campaign, county["compounds"][0], county["town"], "recommended")
    body = (
        await stack.get("/scoring/v1/quota-status", role="township_reviewer", scope=county["town"])
    ).json()
    [batch] = body["batches"]
    assert (batch["applied"], batch["pending"], batch["missing"], batch["met"]) == (1, 0, 0, True)


async def test_a_township_reviewer_reads_no_other_townships_quota(stack):
    county = await build_county(stack, compounds=1)
    other = await stack.created(
        "/registry/v1/entities",
        {"name": "西林镇", "kind": "township", "parent_id": county["county"]},
    )
    await stack.replicated(other["id"])
    await launch(stack)
    refused = await stack.get(
        f"/scoring/v1/quota-status?township_id={other['id']}",
        role="township_reviewer",
        scope=county["town"],
    )
    assert refused.status_code == 403
    village = await stack.get(f"/scoring/v1/quota-status?township_id={county['community']}")
    assert village.status_code == 422 and village.json()["error"]["field"] == "township_id"
    unnamed = await stack.get("/scoring/v1/quota-status")  # the county admin names none
    assert unnamed.status_code == 422 and unnamed.json()["error"]["field"] == "township_id"
