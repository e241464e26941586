"""What the county's pages read and upload (issue #11), on both backends: evidence stored by
the service and cited by an inspection with its hash, the presets with their Chinese names,
the county's campaigns, and objection texts for the evaluators who rule on them."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from ..conftest import advance, build_county, launch, rubric, scores

EVALUATOR = {"role": "county_evaluator"}
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4
PAGE = b"<html><script>alert(1)</script></html>"


async def upload(stack, name: str, content: bytes, declared: str, **who: str | None):
    files = {"file": (name, content, declared)}
    return await stack.http.post("/scoring/v1/evidence", files=files, headers=stack.auth(**who))


async def test_an_inspection_cites_evidence_the_service_stored_and_returns_byte_for_byte(stack):
    """Issue #11: "evidence attachments stored by the service" — the inspection's event cites
    the stored file by id and SHA-256."""
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack)
    path = "/scoring/v1/applications/" + await advance(
        stack, campaign, county["compounds"][0], county["town"], "recommended"
    )
    stored = await upload(stack, "../现场/照片 1.jpg", PHOTO, "image/jpeg", **EVALUATOR)
    assert stored.status_code == 201, stored.text
    body = stored.json()
    assert body["name"] == "照片 1.jpg" and body["content_type"] == "image/jpeg"
    assert body["ref"] == f"evidence:{body['id']}:{hashlib.sha256(PHOTO).hexdigest()}"
    seed = await rubric(stack)
    inspection = {"kind": "open", "scores": scores(seed), "evidence": [body["ref"]]}
    assert (await stack.post(f"{path}/inspections", inspection, **EVALUATOR)).status_code == 201
    view = (await stack.get(path, **EVALUATOR)).json()
    assert view["inspections"][0]["evidence"] == [body["ref"]]
    read = await stack.get(f"/scoring/v1/evidence/{body['id']}", **EVALUATOR)
    assert read.content == PHOTO and read.headers["content-type"] == "image/jpeg"
    assert read.headers["content-disposition"].startswith("attachment;")


async def test_evidence_is_a_photo_or_pdf_by_its_bytes_not_by_its_declared_type(stack):
    """An HTML page declared as a photo would run as a page when opened; it is refused."""
    refused = await upload(stack, "photo.jpg", PAGE, "image/jpeg")
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "file"
    pdf = await upload(stack, "记录表.pdf", b"%PDF-1.4\n%\xe2\xe3\n", "application/octet-stream")
    assert pdf.status_code == 201 and pdf.json()["content_type"] == "application/pdf"


async def test_evidence_of_one_county_is_not_found_by_another(stack):
    stored = (await upload(stack, "a.png", b"\x89PNG\r\n\x1a\n" + bytes(8), "image/png")).json()
    other = await stack.get(f"/scoring/v1/evidence/{stored['id']}", tenant="t2")
    assert other.status_code == 404


async def test_a_grid_member_may_not_upload_evidence(stack):
    refused = await upload(stack, "a.png", b"\x89PNG\r\n\x1a\n", "image/png", role="grid_member")
    assert refused.status_code == 403


async def test_the_presets_carry_their_chinese_names_and_chains(stack):
    presets = {p["name"]: p for p in (await stack.get("/scoring/v1/presets")).json()["presets"]}
    assert set(presets) == {"default", "seed-000", "seed-001", "seed-002", "seed-003"}
    assert presets["seed-003"]["name_zh"] == "无疫社区（村）：镇验收组验收，报县备案"
    assert presets["seed-003"]["review_chain"]["county_record"] is True


async def test_the_county_lists_its_campaigns_latest_first_with_batches(stack):
    await build_county(stack, compounds=1)
    first = await launch(stack, title="第一期活动")
    stack.clock.set(stack.clock.now() + timedelta(minutes=1))  # the test clock stands still
    second = await launch(stack, title="第二期活动", doc_number="宁政办〔2022〕13号")
    listed = (await stack.get("/scoring/v1/campaigns", role="grid_member")).json()["campaigns"]
    assert [c["id"] for c in listed] == [second["id"], first["id"]]
    assert listed[0]["batches"][0]["name"] == "首批"
    assert (await stack.get("/scoring/v1/campaigns", tenant="t2")).json()["campaigns"] == []


async def test_evaluators_read_objection_texts_pending_first_and_others_may_not(stack):
    county = await build_county(stack, compounds=1)
    campaign = await launch(stack, notice_days=3)
    path = "/scoring/v1/applications/" + await advance(
        stack, campaign, county["compounds"][0], county["town"], "in_public_notice"
    )
    first = (await stack.http.post(f"{path}/objections", json={"text": "台账不全"})).json()
    await stack.http.post(f"{path}/objections", json={"text": "台账不全。"})
    await stack.post(f"{path}/objections/{first['id']}/ruling", {"upheld": False, "note": "不实"},
                     **EVALUATOR)  # fmt: skip
    async with stack.client_at("10.0.0.9") as other:
        await other.post(f"{path}/objections", json={"text": "卡口无人值守", "contact": "139"})
    listed = (await stack.get(f"{path}/objections", **EVALUATOR)).json()["objections"]
    assert [(o["text"], o["status"], o["count"]) for o in listed] == [
        ("卡口无人值守", "pending", 1),
        ("台账不全", "dismissed", 2),
    ]
    assert "139" not in str(listed)
    reviewer = {"role": "township_reviewer", "scope": county["town"]}
    assert (await stack.get(f"{path}/objections", **reviewer)).status_code == 403
