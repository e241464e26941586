"""Issue 12's benchmarks in their shortest variants (``bench/run-all --smoke``): each runs to the
end against the real PostgreSQL and Kafka, records a well-formed result, and the renderer turns
them into ``performance.md`` with its plots. No timing is asserted: this machine is shared.
Results go to a temporary folder, never to the committed ``bench/results``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import database_url, kafka_bootstrap

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ("append_path", "peer", "rebuild", "grid_day", "scoring_delisting", "footprint")
PNG = b"\x89PNG\r\n\x1a\n"

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = tmp_path_factory.mktemp("bench-results")
    env = {
        **os.environ,
        "WUYI_DATABASE_URL": database_url(),
        "WUYI_KAFKA_BOOTSTRAP": kafka_bootstrap(),
    }
    run = subprocess.run(
        [sys.executable, "-m", "bench.run_all", "--smoke", "--results", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    logs = "\n".join(
        f"--- {log.name}\n{log.read_text(encoding='utf-8')[-3000:]}"
        for log in sorted((results / "logs").glob("*.log"))
    )
    if run.returncode != 0:
        pytest.fail(f"{run.stdout}\n{run.stderr}\n{logs}", pytrace=False)
    return results


def only_result(results: Path, name: str) -> dict:
    lines = (results / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["benchmark"] == name
    assert result["smoke"] is True
    assert result["commit"] and result["machine"]["cores"] and result["versions"]["python"]
    return result


def test_every_benchmark_records_a_smoke_result_with_its_baseline(smoke: Path) -> None:
    append = only_result(smoke, "append_path")
    assert {(r["clients"], r["replicas"]) for r in append["runs"]} == {(4, 1), (4, 2)}
    for run in append["runs"]:
        assert run["failures"] == 0, run["first_failure"]
        assert run["reports"] == append["sizes"]["grids"]
        assert run["raw_inserts_per_s"] > 0 and run["ratio_to_raw_insert"] > 0
        assert run["lock_samples"] > 0
    assert append["half_load"]["count"] == append["sizes"]["grids"]

    peer = only_result(smoke, "peer")
    for side in ("ours", "peer"):
        assert peer[side]["rebuilt_total"] == peer["sizes"]["commands"], side
    assert peer["ratio_append"] > 0 and peer["ratio_rebuild"] > 0

    rebuild = only_result(smoke, "rebuild")
    assert set(rebuild["rebuilds"]) == {"honor-list", "delistings", "eligibility"}
    for name, figures in rebuild["rebuilds"].items():
        topic = figures["topic"]
        assert figures["events"] == rebuild["bare"][topic]["events"], name
        assert figures["rows"] > 0, name
    assert sum(rebuild["topic_events"].values()) >= rebuild["sizes"]["events"]

    day = only_result(smoke, "grid_day")
    assert day["failures"] == 0
    assert day["reports"] == day["grids_by_level"]["3"] + day["grids_by_level"]["2"]
    assert day["series"] and day["series"][-1]["lag"] == 0

    delisting = only_result(smoke, "scoring_delisting")
    for mode in ("sqlite", "kafka"):
        assert delisting["delisting"][mode]["count"] == delisting["sizes"]["cases"]
        assert "p999_ms" in delisting["delisting"][mode]

    footprint = only_result(smoke, "footprint")
    assert footprint["day_failures"] == 0, footprint["first_failure"]
    assert footprint["ready_s"] > 0 and footprint["rss_mb"] > footprint["bare_rss_mb"] > 0


def test_the_rendered_page_shows_every_benchmark_with_its_plots(smoke: Path) -> None:
    docs = smoke / "docs"
    page = (docs / "performance.md").read_text(encoding="utf-8")
    for heading in (
        "## 1. Append path",
        "## 2. The peer",
        "## 3. Rebuild",
        "## 4. A province's day",
        "## 5. Case to delisted",
        "## 6. Embedded footprint",
    ):
        assert heading in page
    assert "_Not run yet._" not in page
    assert "**met**" in page or "**missed**" in page
    images = sorted((docs / "performance").glob("*.png"))
    assert {p.stem for p in images} == {
        "append-path",
        "peer",
        "rebuild",
        "grid-day",
        "delisting",
        "footprint",
    }
    for image in images:
        assert image.read_bytes()[:8] == PNG and image.stat().st_size > 5000, image.name
        assert f"performance/{image.name}" in page
