"""Review chains per campaign (issue #9, point 1): the next allowed command follows from the
campaign's chain, not a fixed list."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError
from wuyi_contracts.scoring import ReviewChain, Stage
from wuyi_scoring.domain.application import IllegalTransition, fold
from wuyi_scoring.domain.presets import PRESETS

OPENED = {
    "application_id": "a1",
    "campaign_id": "c1",
    "batch_id": "b1",
    "entity_id": "e1",
    "entity_name": "小区1",
    "entity_kind": "compound",
    "township_id": "t1",
}
INSPECTED = {"kind": "open", "total": 95.0, "vetoes_failed": [], "final_score": 95.0}


def state(preset: str, *events: tuple[str, dict[str, Any]]) -> Any:
    folded = fold([("opened", OPENED), ("submitted", {}), *events])
    return replace(folded, chain=PRESETS[preset])


def test_the_default_chain_reviews_recommends_then_the_county_evaluates():
    """Seed 001: 街道乡镇组织考核验收 ... 向县区疫情防控指挥部推荐 ... 评定达标后,向社会公示."""
    assert state("default").chain_commands() == {"township_review", "send_back"}
    approved = state("default", ("township_approved", {}))
    assert approved.chain_commands() == {"recommend", "send_back"}
    inspected = state(
        "default",
        ("township_approved", {}),
        ("recommended", {}),
        ("inspection_recorded", INSPECTED),
    )
    assert inspected.chain_commands() == {"inspect", "reject", "send_back", "open_notice"}


def test_seed_000_the_township_accepts_and_awards_without_a_notice():
    """Seed 000: 乡防疫办将对自评合格的行政村、驻乡单位、企业进行考核验收."""
    submitted = state("seed-000")
    assert submitted.chain_commands() == {"inspect", "reject", "send_back"}
    with pytest.raises(IllegalTransition):
        submitted.expect("township_review")
    inspected = state("seed-000", ("inspection_recorded", INSPECTED))
    assert inspected.chain_commands() == {"inspect", "reject", "send_back", "award"}
    assert inspected.acting_stage.level == "township"


def test_seed_003_an_award_is_followed_by_the_county_record():
    """Seed 003: 验收达标的,报县进行备案."""
    awarded = state("seed-003", ("inspection_recorded", INSPECTED), ("awarded", {"score": 95.0}))
    assert awarded.chain_commands() == {"county_record"}
    recorded = fold([("opened", OPENED), ("county_recorded", {})])
    assert replace(recorded, chain=PRESETS["seed-003"]).county_recorded


def test_every_seed_campaign_ships_as_a_preset_and_only_001_and_002_decide_collectively():
    """Seed 001 篇六: 经过县疫情防控工作领导小组研究后确定; seed 002: 局领导小组 ... 考核验收."""
    assert {"default", "seed-000", "seed-001", "seed-002", "seed-003"} <= set(PRESETS)
    assert {k for k, chain in PRESETS.items() if chain.collective} == {"seed-001", "seed-002"}
    assert PRESETS["seed-002"].stages[-1].level == "unit"


def test_a_chain_ends_in_exactly_one_accepting_scored_stage():
    review = Stage(key="review", name="初审", act="review", level="township")
    with pytest.raises(ValidationError):
        ReviewChain(stages=[review])
    with pytest.raises(ValidationError):
        ReviewChain(stages=[review.model_copy(update={"accepts": True})])
