"""What the applicant's side sees of the county's inspections (明查 / 暗访): issue #9,
"Inspections and evidence go to the applicant's review chain and the county"."""

from __future__ import annotations

from typing import Any

import pytest
from wuyi_scoring.domain.disclosure import application_for_applicant, audit_entry_for_applicant

INSPECTION = {
    "id": "i1",
    "kind": "unannounced",
    "inspector": "county-evaluator-7",
    "total": 80.0,
    "scores": {"a": 8.0},
    "vetoes_failed": [],
    "evidence": ["photo.jpg"],
}


def _view(status: str) -> dict[str, Any]:
    return {"status": status, "inspections": [INSPECTION], "final_score": 80.0, "id": "app"}


@pytest.mark.parametrize("status", ["recommended", "county_evaluated"])
def test_an_unannounced_visit_stays_unknown_to_the_applicant_until_the_result(status):
    shown = application_for_applicant(_view(status))
    assert shown["inspections"] == [] and shown["final_score"] is None


@pytest.mark.parametrize("status", ["in_public_notice", "awarded", "rejected", "delisted"])
def test_after_the_result_the_applicant_sees_kind_and_scores_never_inspector_or_evidence(status):
    [shown] = application_for_applicant(_view(status))["inspections"]
    assert (shown["kind"], shown["scores"]) == ("unannounced", {"a": 8.0})
    assert shown["inspector"] is None and shown["evidence"] == []


def _entry(kind: str) -> dict[str, Any]:
    return {
        "source": "scoring",
        "type": f"cn.wuyi.scoring.application.{kind}.v1",
        "actor": "county-evaluator-7",
        "evidence": ["photo.jpg"],
        "data": {"evidence": ["photo.jpg"], "kind": "unannounced"},
    }


def test_the_audit_hides_an_inspection_from_the_applicant_while_the_county_evaluates():
    assert audit_entry_for_applicant(_entry("inspection_recorded"), "county_evaluated") is None


@pytest.mark.parametrize("kind", ["inspection_recorded", "spot_check_recorded"])
def test_the_audit_never_names_the_inspector_or_the_evidence_to_the_applicant(kind):
    shown = audit_entry_for_applicant(_entry(kind), "awarded")
    assert shown is not None
    assert shown["actor"] is None and shown["evidence"] == [] and shown["data"]["evidence"] == []


def test_the_audit_keeps_every_other_entry_whole_for_the_applicant():
    entry = _entry("awarded")
    assert audit_entry_for_applicant(entry, "awarded") is entry
