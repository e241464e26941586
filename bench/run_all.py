"""``bench/run-all``: every benchmark of issue 12, then ``docs/performance.md`` rendered.

Sizes: ``--size full`` is the issue's (1,000,000-event rebuild, 200,000-grid day, 1,000 cases,
5,000-grid county); ``--size medium`` what a quiet 2-core machine finishes in well under an
hour, ``--size small`` what a 2-core machine shared with six others (load average 10-20) did;
``--smoke`` (= ``--size smoke``) the shortest variants, for the test command, into a temporary
results folder unless ``--results`` says otherwise. Any benchmark's flags can be
overridden: ``--args grid_day="--grids 50000 --concurrency 128"``. Each benchmark runs as its own
``python -m bench.NAME`` process and appends its result to ``<results>/NAME.jsonl``; its output
goes to ``<results>/logs/NAME.log``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import ROOT, git

ORDER = ("append_path", "peer", "rebuild", "grid_day", "scoring_delisting", "footprint")

SIZES: dict[str, dict[str, str]] = {
    "smoke": {
        "append_path": "--grids 12 --concurrency 4 --replicas 1 2 --raw-rows 100",
        "peer": "--commands 100 --concurrency 4 --grids 20",
        "rebuild": "--events 3000 --townships 1 --villages 2 --grids 2 --days 14",
        "grid_day": "--grids 40 --concurrency 8 --lag-timeout 120",
        "scoring_delisting": "--compounds 2 --extra-lifecycles 0 --no-kafka-baseline --gets 10",
        "footprint": "--grids 10 --days 1 --concurrency 4",
    },
    "small": {
        "append_path": "--grids 200 --concurrency 16 64 --replicas 1 2 --raw-rows 1000",
        "peer": "--commands 1000 --concurrency 16 --grids 200",
        "rebuild": "--events 20000",
        "grid_day": "--grids 1000 --concurrency 64",
        "scoring_delisting": "--compounds 20 --extra-lifecycles 0",
        "footprint": "--grids 200 --days 2 --concurrency 16",
    },
    "medium": {
        "append_path": "--grids 1000 --concurrency 16 64 --replicas 1 2 --raw-rows 3000",
        "peer": "--commands 5000 --concurrency 16 --grids 500",
        "rebuild": "--events 100000",
        "grid_day": "--grids 5000 --concurrency 64",
        "scoring_delisting": "--compounds 100 --extra-lifecycles 0",
        "footprint": "--grids 1000 --days 3 --concurrency 16",
    },
    "full": {
        "append_path": "--grids 2000 --concurrency 16 64 --replicas 1 2 --raw-rows 5000",
        "peer": "--commands 20000 --concurrency 16 --grids 2000",
        "rebuild": "--events 1000000",
        "grid_day": "--grids 200000 --concurrency 64",
        "scoring_delisting": "--compounds 1000 --extra-lifecycles 0",
        "footprint": "--grids 5000 --days 14 --concurrency 16",
    },
}


def command(name: str, size: str, overrides: dict[str, str], profile: Path | None) -> list[str]:
    args = shlex.split(SIZES[size][name]) + shlex.split(overrides.get(name, ""))
    if name == "append_path" and profile is not None:
        args += ["--profile", str(profile)]
    return [sys.executable, "-m", f"bench.{name}", *args]


def run_one(name: str, cmd: list[str], env: dict[str, str], logs: Path) -> tuple[str, int, float]:
    started = time.perf_counter()
    with open(logs / f"{name}.log", "w", encoding="utf-8") as log:
        log.write(" ".join(cmd) + "\n")
        log.flush()
        code = subprocess.run(cmd, env=env, cwd=ROOT, stdout=log, stderr=log).returncode
    elapsed = time.perf_counter() - started
    print(
        f"[run-all] {name}: {'ok' if code == 0 else f'FAILED ({code})'} in {elapsed:.0f} s",
        flush=True,
    )
    return name, code, elapsed


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--smoke", action="store_true", help="the shortest variants (= --size smoke)")
    p.add_argument("--size", choices=sorted(SIZES), default="full")
    p.add_argument("--only", nargs="+", choices=ORDER, help="these benchmarks only")
    p.add_argument("--skip", nargs="+", choices=ORDER, default=[])
    p.add_argument("--args", action="append", default=[], metavar='NAME="FLAGS"')
    p.add_argument(
        "--results",
        type=Path,
        help="results folder (default bench/results; smoke: a temporary one)",
    )
    p.add_argument(
        "--docs",
        type=Path,
        help="where performance.md goes (default docs/; smoke: beside the results)",
    )
    p.add_argument("--label", default="", help='names this run\'s column, e.g. "before", "after"')
    p.add_argument("--jobs", type=int, help="benchmarks run at once (default 1; smoke 3)")
    p.add_argument("--no-profile", action="store_true", help="skip the py-spy profile")
    p.add_argument("--render-only", action="store_true")
    a = p.parse_args()
    size = "smoke" if a.smoke else a.size
    smoke = size == "smoke"
    results = a.results or (
        Path(tempfile.mkdtemp(prefix="wuyi-bench-")) if smoke else ROOT / "bench" / "results"
    )
    docs = a.docs or (results / "docs" if smoke else ROOT / "docs")
    results.mkdir(parents=True, exist_ok=True)
    logs = results / "logs"
    logs.mkdir(exist_ok=True)
    overrides = dict(item.split("=", 1) for item in a.args)
    names = [n for n in (a.only or ORDER) if n not in a.skip]
    profile = None
    suffix = f"-{a.label}" if a.label else ""
    if not a.no_profile and not smoke:
        profile = (
            docs
            / "performance"
            / f"append-profile-{git('rev-parse', '--short', 'HEAD')}{suffix}.svg"
        )
    env = {
        **os.environ,
        "WUYI_BENCH_RESULTS": str(results),
        "WUYI_BENCH_LABEL": a.label,
        "WUYI_BENCH_SMOKE": "1" if smoke else "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    failed: list[str] = []
    started = time.perf_counter()
    if not a.render_only:
        if not os.environ.get("WUYI_DATABASE_URL") or not os.environ.get("WUYI_KAFKA_BOOTSTRAP"):
            sys.exit(
                "needs PostgreSQL and Kafka: source .dev-services/env (scripts/dev-services up)"
            )
        print(f"[run-all] {size} sizes, results in {results}, logs in {logs}", flush=True)
        jobs = a.jobs or (3 if smoke else 1)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            outcomes = list(
                pool.map(
                    lambda n: run_one(n, command(n, size, overrides, profile), env, logs), names
                )
            )
        failed = [n for n, code, _ in outcomes if code != 0]
    from bench.render import render

    path = render(results, docs, smoke=smoke)
    print(f"[run-all] rendered {path} in {time.perf_counter() - started:.0f} s", flush=True)
    if failed:
        print(f"[run-all] failed: {', '.join(failed)} (see {logs})", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
