"""Render ``docs/performance.md`` and its plots from ``bench/results/*.jsonl``.

For each benchmark the latest non-smoke run of each commit is a column, the newest
``--columns`` commits side by side (oldest first), so a run on the code before a change and one
after it read as "before" and "after"; a run's ``label`` (``WUYI_BENCH_LABEL``) names its
column. Every figure stands beside its baseline from the same run, with the ratio, the issue's
target and whether the newest column meets it. ``bench/performance-notes.md`` (what the
figures mean, what explains a miss, what would close the gap: written by hand) is appended.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bench.common import ROOT  # noqa: E402

Run = dict[str, Any]
BENCHMARKS = ("append_path", "peer", "rebuild", "grid_day", "scoring_delisting", "footprint")


def load(results: Path, columns: int, smoke: bool) -> dict[str, list[Run]]:
    """Per benchmark: the latest run of each commit, newest ``columns`` commits, oldest first."""
    out: dict[str, list[Run]] = {}
    for name in BENCHMARKS:
        path = results / f"{name}.jsonl"
        if not path.exists():
            out[name] = []
            continue
        runs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        runs = [r for r in runs if bool(r.get("smoke")) == smoke and "sizes" in r]
        latest: dict[str, Run] = {}
        for run in runs:
            key = f"{run.get('commit')}{'+dirty' if run.get('dirty') else ''}:{run.get('label')}"
            latest.pop(key, None)
            latest[key] = run  # re-inserted: ordered by the latest run of each commit
        out[name] = list(latest.values())[-columns:]
    return out


def head(run: Run) -> str:
    label = run.get("label") or ""
    commit = run.get("commit", "?") + ("+dirty" if run.get("dirty") else "")
    return f"{label} `{commit}`".strip() if label else f"`{commit}`"


def verdict(value: float | None, target: float, higher_is_better: bool) -> str:
    if value is None:
        return "—"
    met = value >= target if higher_is_better else value <= target
    return "**met**" if met else "**missed**"


def le(value: float | None, target: float) -> bool | None:
    return None if value is None else value <= target


def ge(value: float | None, target: float) -> bool | None:
    return None if value is None else value >= target


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class Doc:
    def __init__(self, docs: Path, images: Path) -> None:
        self.lines: list[str] = []
        self.docs = docs
        self.images = images
        images.mkdir(parents=True, exist_ok=True)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def table(
        self,
        runs: list[Run],
        rows: list[tuple[str, Callable[[Run], Any]]],
        target: tuple[str, Callable[[Run], float | None], float, bool] | None = None,
    ) -> None:
        self.add("| figure | " + " | ".join(head(r) for r in runs) + " |")
        self.add("|---|" + "---|" * len(runs))
        for label, get in rows:
            cells = []
            for run in runs:
                try:
                    cells.append(fmt(get(run)))
                except (KeyError, TypeError, StopIteration, ZeroDivisionError, IndexError):
                    cells.append("—")
            self.add(f"| {label} | " + " | ".join(cells) + " |")
        self.add("")

    def figure(self, name: str, title: str) -> Path:
        path = self.images / f"{name}.png"
        self.add(f"![{title}]({path.relative_to(self.docs).as_posix()})", "")
        return path


def targets_table(doc: Doc, checks: list[tuple[str, str, Any, bool | None]]) -> None:
    """(target, figure, value, met) rows for the newest column."""
    doc.add("| target | newest figure | met? |", "|---|---|---|")
    for target, figure, value, met in checks:
        state = "—" if met is None else ("**met**" if met else "**missed**")
        doc.add(f"| {target} | {figure} {fmt(value)} | {state} |")
    doc.add("")


def save(fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def sizes_line(runs: list[Run]) -> str:
    return "Sizes: " + "; ".join(
        f"{head(r)} {json.dumps(r.get('sizes', {}), ensure_ascii=False)}" for r in runs
    )


# --- one section per benchmark --------------------------------------------------------------


def run_of(run: Run, clients: int, replicas: int) -> Run:
    return next(r for r in run["runs"] if r["clients"] == clients and r["replicas"] == replicas)


def append_path(doc: Doc, runs: list[Run]) -> None:
    doc.add("## 1. Append path", "")
    doc.add(
        "Daily reports through HTTP → `wuyi serve reporting` → PostgreSQL → relay to Kafka, "
        "closed loop (each client posts its next report when the last is answered), one report "
        "per level-3 grid and day. Baseline: single-row autocommit INSERTs into the same "
        "PostgreSQL at the same concurrency, measured right after each run. Lock wait: "
        "`pg_stat_activity` sampled every 20 ms for backends waiting on a lock "
        "(wait_event_type `Lock`; the append lock is an advisory lock); backends waiting × "
        "run time.",
        "",
        sizes_line(runs),
        "",
    )
    if not runs:
        doc.add("_Not run yet._", "")
        return
    combos = [(r["clients"], r["replicas"]) for r in runs[-1]["runs"]]
    rows: list[tuple[str, Callable[[Run], Any]]] = []
    for clients, replicas in combos:
        tag = f"{clients} clients, {replicas} replica{'s' if replicas > 1 else ''}"

        def get(key: str, c: int = clients, n: int = replicas) -> Callable[[Run], Any]:
            return lambda run: run_of(run, c, n)[key]

        rows += [
            (f"**{tag}: reports/s**", get("reports_per_s")),
            (f"{tag}: p50 / p99 ms", lambda r, g=get: f"{g('p50_ms')(r)} / {g('p99_ms')(r)}"),
            (f"{tag}: baseline raw INSERT/s", get("raw_inserts_per_s")),
            (f"**{tag}: ratio to raw**", get("ratio_to_raw_insert")),
            (
                f"{tag}: lock wait s (of run s)",
                lambda r, g=get: f"{g('lock_wait_s')(r)} / {g('elapsed_s')(r)}",
            ),
            (
                f"{tag}: backends waiting, mean / max",
                lambda r, g=get: f"{g('lock_waiting_mean')(r)} / {g('lock_waiting_max')(r)}",
            ),
            (f"{tag}: relay drained s after the last 201", get("relay_drain_s")),
            (f"{tag}: failures", get("failures")),
        ]
    rows += [
        ("half load: paced rate /s", lambda r: r["half_load"]["target_rate"]),
        ("**half load: p99 ms**", lambda r: r["half_load"]["p99_ms"]),
        ("half load: p50 ms", lambda r: r["half_load"]["p50_ms"]),
        (
            "reports/s under py-spy (profile run)",
            lambda r: r["profile"]["reports_per_s_under_py_spy"],
        ),
    ]
    doc.table(runs, rows)
    new = runs[-1]
    checks: list[tuple[str, str, Any, bool | None]] = []
    for clients, replicas in combos:
        ratio = run_of(new, clients, replicas)["ratio_to_raw_insert"]
        checks.append(
            (
                f"≥ 0.15 of raw ({clients} clients, {replicas} replica(s))",
                "ratio",
                ratio,
                ge(ratio, 0.15),
            )
        )
    p99 = new.get("half_load", {}).get("p99_ms")
    checks.append(("p99 ≤ 100 ms at half load", "p99 ms", p99, le(p99, 100)))
    one = [c for c in combos if c[1] == 1]
    two = [c for c in combos if c[1] == 2]
    if one and two:
        gain = run_of(new, *two[0])["reports_per_s"] / run_of(new, *one[0])["reports_per_s"]
        checks.append(
            (
                "two API replicas against one PostgreSQL (shown; the issue sets no target)",
                "reports/s, 2 replicas ÷ 1",
                round(gain, 2),
                None,
            )
        )
    targets_table(doc, checks)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    labels = [f"{c}c/{n}r" for c, n in combos]
    width = 0.8 / len(runs)
    for k, run in enumerate(runs):
        xs = [i + k * width for i in range(len(combos))]
        axes[0].bar(
            xs,
            [run_of(run, c, n)["reports_per_s"] for c, n in combos],
            width,
            label=head(run).replace("`", ""),
        )
        axes[1].bar(
            xs,
            [run_of(run, c, n)["ratio_to_raw_insert"] for c, n in combos],
            width,
            label=head(run).replace("`", ""),
        )
    for ax, title in zip(axes, ("reports/s", "ratio to raw INSERT rate"), strict=True):
        ax.set_xticks([i + width * (len(runs) - 1) / 2 for i in range(len(combos))], labels)
        ax.set_title(title)
        ax.legend(fontsize=7)
    axes[1].axhline(0.15, color="red", linestyle="--", linewidth=1)
    save(fig, doc.figure("append-path", "append path: reports/s and ratio to raw inserts"))
    profiles = sorted((doc.images).glob("append-profile-*"))
    if profiles:
        doc.add(
            "Profiles of the append path (py-spy, a reporting replica under load; open the SVG "
            "in a browser, a .json in speedscope.app):",
            "",
        )
        for path in profiles:
            doc.add(f"- [{path.name}]({path.relative_to(doc.docs).as_posix()})")
        doc.add("")


def peer(doc: Doc, runs: list[Run]) -> None:
    doc.add("## 2. The peer: `eventsourcing` on PostgreSQL", "")
    doc.add(
        "One workload written twice on the same PostgreSQL: each command appends one event "
        "(a grid's day report, a new stream), a projection follows the log (reports per grid, "
        "in a PostgreSQL table). Ours: `EventStore.append` from asyncio tasks and a `Projector`; "
        "the peer: the `eventsourcing` library's `Application` on its PostgreSQL recorder "
        "from as many threads, and a `ProjectionRunner` with a `PostgresTrackingRecorder` view. "
        "Rebuild: a fresh projection filled from the whole log.",
        "",
        sizes_line(runs),
        "",
    )
    if not runs:
        doc.add("_Not run yet._", "")
        return
    doc.table(
        runs,
        [
            ("**ours: appends/s**", lambda r: r["ours"]["append_per_s"]),
            ("baseline, peer: appends/s", lambda r: r["peer"]["append_per_s"]),
            ("**ratio ours ÷ peer, append**", lambda r: r["ratio_append"]),
            (
                "ours: append p50 / p99 ms",
                lambda r: f"{r['ours']['append_p50_ms']} / {r['ours']['append_p99_ms']}",
            ),
            (
                "peer: append p50 / p99 ms",
                lambda r: f"{r['peer']['append_p50_ms']} / {r['peer']['append_p99_ms']}",
            ),
            ("**ours: rebuild events/s**", lambda r: r["ours"]["rebuild_per_s"]),
            ("baseline, peer: rebuild events/s", lambda r: r["peer"]["rebuild_per_s"]),
            ("**ratio ours ÷ peer, rebuild**", lambda r: r["ratio_rebuild"]),
            (
                "rebuilt totals equal (ours, peer)",
                lambda r: f"{r['ours']['rebuilt_total']}, {r['peer']['rebuilt_total']}",
            ),
        ],
    )
    new = runs[-1]
    targets_table(
        doc,
        [
            (
                "at least the peer's append rate",
                "ratio",
                new["ratio_append"],
                ge(new["ratio_append"], 1),
            ),
            (
                "at least 3× the peer's rebuild rate",
                "ratio",
                new["ratio_rebuild"],
                ge(new["ratio_rebuild"], 3),
            ),
        ],
    )
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, key, title in (
        (axes[0], "append_per_s", "appends/s"),
        (axes[1], "rebuild_per_s", "rebuild events/s"),
    ):
        names = [head(r).replace("`", "") for r in runs]
        xs = range(len(runs))
        ax.bar([x - 0.2 for x in xs], [r["ours"][key] for r in runs], 0.4, label="ours")
        ax.bar([x + 0.2 for x in xs], [r["peer"][key] for r in runs], 0.4, label="eventsourcing")
        ax.set_xticks(list(xs), names, fontsize=7)
        ax.set_title(title)
        ax.legend(fontsize=7)
    save(fig, doc.figure("peer", "ours beside the eventsourcing library"))


def rebuild(doc: Doc, runs: list[Run]) -> None:
    doc.add("## 3. Rebuild from the topics", "")
    doc.add(
        "The demo generator's county (reports, cases, complaints, eligibility, applications "
        "awarded and delisted) copied onto this run's topics as tenants of their own until the "
        "size is reached, published with the relay's publisher; then each projection rebuilt "
        "from `topic_history` into PostgreSQL. Baseline: a bare aiokafka consume-and-decode "
        "(value parsed, headers decoded) of the same topic.",
        "",
        sizes_line(runs),
        "",
    )
    if not runs:
        doc.add("_Not run yet._", "")
        return
    rows: list[tuple[str, Callable[[Run], Any]]] = [
        (
            "events on the topics (reporting, scoring)",
            lambda r: f"{r['topic_events']['reporting']:,}, {r['topic_events']['scoring']:,}",
        ),
    ]
    for topic in ("reporting", "scoring"):
        rows.append(
            (f"baseline: bare read of {topic}, events/s", lambda r, t=topic: r["bare"][t]["per_s"])
        )
        rows.append(
            (
                f"`topic_history` drained ({topic}), events/s",
                lambda r, t=topic: r["bare"][t]["topic_history_per_s"],
            )
        )
    for name in ("honor-list", "delistings", "eligibility"):
        rows.append((f"**{name}: rebuild events/s**", lambda r, n=name: r["rebuilds"][n]["per_s"]))
        rows.append(
            (f"**{name}: ratio to bare**", lambda r, n=name: r["rebuilds"][n]["ratio_to_bare"])
        )
        rows.append((f"{name}: rows rebuilt", lambda r, n=name: r["rebuilds"][n]["rows"]))
    rows.append(("all three: ratio to bare (time-weighted)", lambda r: r["ratio_to_bare"]))
    doc.table(runs, rows)
    new = runs[-1]
    targets_table(
        doc,
        [
            (
                f"≥ 0.5 of the bare rate ({n})",
                "ratio",
                new["rebuilds"][n]["ratio_to_bare"],
                ge(new["rebuilds"][n]["ratio_to_bare"], 0.5),
            )
            for n in new["rebuilds"]
        ],
    )
    fig, ax = plt.subplots(figsize=(9, 3.5))
    names = list(new["rebuilds"])
    width = 0.8 / len(runs)
    for k, run in enumerate(runs):
        ax.bar(
            [i + k * width for i in range(len(names))],
            [run["rebuilds"][n]["ratio_to_bare"] for n in names],
            width,
            label=head(run).replace("`", ""),
        )
    ax.axhline(0.5, color="red", linestyle="--", linewidth=1)
    ax.set_xticks([i + width * (len(runs) - 1) / 2 for i in range(len(names))], names)
    ax.set_title("rebuild events/s ÷ bare consume-and-decode events/s")
    ax.legend(fontsize=7)
    save(fig, doc.figure("rebuild", "rebuild rate relative to a bare read"))


def grid_day(doc: Doc, runs: list[Run]) -> None:
    doc.add("## 4. A province's day", "")
    doc.add(
        "A three-level roster (level-1 grid per township, level-2 per village, level-3 below) "
        "registered, then one day's report of every level-3 and level-2 grid submitted as fast "
        "as `wuyi serve reporting` takes them, with the reporting and scoring workers running. "
        "Sampled each second: reports answered, their latency, events not yet relayed to Kafka "
        "and records of the reporting topic not yet consumed (lag). Baseline: raw INSERT rate "
        "at the same concurrency. Where the run was smaller than 200,000 grids, the 200,000-grid "
        "time is projected from the sustained rate.",
        "",
        sizes_line(runs),
        "",
    )
    if not runs:
        doc.add("_Not run yet._", "")
        return
    doc.table(
        runs,
        [
            ("reports (level 3 + level 2)", lambda r: r["reports"]),
            ("**sustained reports/s**", lambda r: r["reports_per_s"]),
            ("baseline raw INSERT/s", lambda r: r["raw_inserts_per_s"]),
            ("**ratio to raw**", lambda r: r["ratio_to_raw_insert"]),
            ("p50 / p99 / p99.9 ms", lambda r: f"{r['p50_ms']} / {r['p99_ms']} / {r['p999_ms']}"),
            ("all submitted in s", lambda r: r["submitted_s"]),
            ("**200,000 grids: s (measured or projected)**", lambda r: r["projected_200k_s"]),
            ("**lag zero, s after the last report**", lambda r: r["lag_zero_after_last_s"]),
            ("largest lag (events)", lambda r: r["max_lag"]),
            ("failures", lambda r: r["failures"]),
            (
                "load average at start → end",
                lambda r: f"{r['machine']['load_avg_1m']} → {r.get('load_avg_1m_end')}",
            ),
        ],
    )
    new = runs[-1]
    targets_table(
        doc,
        [
            (
                "200,000 grids' day done within 6 minutes (360 s)",
                "s",
                new["projected_200k_s"],
                le(new["projected_200k_s"], 360),
            ),
            (
                "lag back to zero within a minute of the last report",
                "s",
                new["lag_zero_after_last_s"],
                le(new["lag_zero_after_last_s"], 60),
            ),
        ],
    )
    fig, axes = plt.subplots(3, 1, figsize=(10, 7.5), sharex=True)
    for run in runs:
        series = run.get("series", [])
        t = [p["t"] for p in series]
        name = head(run).replace("`", "")
        # reports answered per second of each sampling interval (a stalled sample spans more)
        rates = [
            p["answered"] / max(0.001, p["t"] - (series[k - 1]["t"] if k else 0.0))
            for k, p in enumerate(series)
        ]
        axes[0].plot(t, rates, label=name)
        axes[1].plot(t, [p["p99_ms"] for p in series], label=f"{name} p99")
        axes[1].plot(t, [p["p50_ms"] for p in series], linestyle=":", label=f"{name} p50")
        axes[2].plot(t, [p["lag"] for p in series], label=name)
    axes[0].set_ylabel("reports/s")
    axes[1].set_ylabel("latency ms")
    axes[2].set_ylabel("lag (events)")
    axes[2].set_xlabel("seconds since the first report")
    for ax in axes:
        ax.legend(fontsize=7)
    save(fig, doc.figure("grid-day", "a province's day: rate, latency and lag per second"))


def delisting(doc: Doc, runs: list[Run]) -> None:
    doc.add("## 5. Case to delisted", "")
    doc.add(
        "`bench/scoring_delisting.py`: awarded compounds, then one confirmed case each; delay "
        "from CaseReported committed to the compound gone from the public honor list. Embedded "
        "(SQLite, in-process bus) and distributed (PostgreSQL, real Kafka). Baseline: a bare "
        "honor-list GET (and, distributed, the raw Kafka produce→consume round trip).",
        "",
        sizes_line(runs),
        "",
    )
    if not runs:
        doc.add("_Not run yet._", "")
        return
    rows: list[tuple[str, Callable[[Run], Any]]] = []
    for mode, name in (("sqlite", "embedded"), ("kafka", "distributed")):
        rows += [
            (f"{name}: cases", lambda r, m=mode: r["delisting"][m]["count"]),
            (
                f"**{name}: p50 / p99 / p99.9 ms**",
                lambda r, m=mode: (
                    f"{r['delisting'][m]['p50_ms']} / {r['delisting'][m]['p99_ms']} / "
                    f"{r['delisting'][m].get('p999_ms', '—')}"
                ),
            ),
            (
                f"{name}: baseline honor-list GET p50 ms",
                lambda r, m=mode: r["delisting"][m]["honor_get_p50_ms"],
            ),
            (
                f"**{name}: ratio p50 ÷ GET p50**",
                lambda r, m=mode: r["delisting"][m]["ratio_p50_to_get_p50"],
            ),
        ]
    rows += [
        (
            "distributed: baseline Kafka round trip p50 ms",
            lambda r: r["delisting"]["kafka"]["kafka_rt_p50_ms"],
        ),
        (
            "distributed: ratio p50 ÷ Kafka round trip p50",
            lambda r: r["delisting"]["kafka"]["ratio_p50_to_kafka_rt_p50"],
        ),
    ]
    doc.table(runs, rows)
    new = runs[-1]["delisting"].get("kafka", {})
    p99 = new.get("p99_ms")
    targets_table(doc, [("distributed p99 ≤ 250 ms", "p99 ms", p99, le(p99, 250))])
    fig, ax = plt.subplots(figsize=(9, 3.5))
    bars = [(m, q) for m in ("sqlite", "kafka") for q in ("p50_ms", "p99_ms", "p999_ms")]
    width = 0.8 / len(runs)
    for k, run in enumerate(runs):
        ax.bar(
            [i + k * width for i in range(len(bars))],
            [run["delisting"].get(m, {}).get(q, 0) for m, q in bars],
            width,
            label=head(run).replace("`", ""),
        )
    ax.set_xticks(
        [i + width * (len(runs) - 1) / 2 for i in range(len(bars))],
        [f"{'emb' if m == 'sqlite' else 'dist'} {q[:-3]}" for m, q in bars],
    )
    ax.axhline(250, color="red", linestyle="--", linewidth=1)
    ax.set_ylabel("ms")
    ax.legend(fontsize=7)
    save(fig, doc.figure("delisting", "case to delisted, embedded and distributed"))


def footprint(doc: Doc, runs: list[Run]) -> None:
    doc.add("## 6. Embedded footprint", "")
    doc.add(
        "`wuyi demo` seeds a county; `wuyi up` on it is timed from spawn to its first healthy "
        "answer; resident memory is the RSS of its whole process tree; then the county's next "
        "day (every level-3 and level-2 grid reports once over HTTP). Baselines: a minimal "
        "uvicorn app started the same way, and the same number of single-row SQLite INSERTs. "
        "Where the county was smaller than 5,000 grids the day's time is projected linearly.",
        "",
        sizes_line(runs),
        "",
    )
    if not runs:
        doc.add("_Not run yet._", "")
        return

    def day5000(r: Run) -> float:
        return round(r["day_s"] * 5000 / max(1, r["grids_by_level"]["3"]), 1)

    doc.table(
        runs,
        [
            ("**ready s (existing data)**", lambda r: r["ready_s"]),
            ("baseline: minimal uvicorn app ready s", lambda r: r["bare_ready_s"]),
            ("ratio", lambda r: r["ratio_ready_to_bare"]),
            ("**RSS MB after start**", lambda r: r["rss_mb"]),
            ("RSS MB peak over the day", lambda r: r["rss_peak_mb"]),
            ("baseline: minimal uvicorn app RSS MB", lambda r: r["bare_rss_mb"]),
            ("ratio", lambda r: r["ratio_rss_to_bare"]),
            (
                "grids (level 3) / day's reports",
                lambda r: f"{r['grids_by_level']['3']} / {r['day_reports']}",
            ),
            ("day s / reports/s", lambda r: f"{r['day_s']} / {r['day_per_s']}"),
            ("**5,000-grid day s (measured or projected)**", day5000),
            ("baseline: SQLite INSERT/s", lambda r: r["sqlite_inserts_per_s"]),
            ("ratio day rate ÷ SQLite rate", lambda r: r["ratio_day_to_sqlite_rate"]),
            ("day p50 / p99 ms", lambda r: f"{r['day_p50_ms']} / {r['day_p99_ms']}"),
            ("failures", lambda r: r["day_failures"]),
        ],
    )
    new = runs[-1]
    targets_table(
        doc,
        [
            ("ready in ≤ 3 s with existing data", "s", new["ready_s"], le(new["ready_s"], 3)),
            (
                "resident memory ≤ 300 MB",
                "peak MB",
                new["rss_peak_mb"],
                le(new["rss_peak_mb"], 300),
            ),
            ("a 5,000-grid county's day ≤ 30 s", "s", day5000(new), le(day5000(new), 30)),
        ],
    )
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    for ax, get, target, title in (
        (axes[0], lambda r: r["ready_s"], 3, "ready s"),
        (axes[1], lambda r: r["rss_peak_mb"], 300, "peak RSS MB"),
        (axes[2], day5000, 30, "5,000-grid day s"),
    ):
        ax.bar([head(r).replace("`", "") for r in runs], [get(r) for r in runs])
        ax.axhline(target, color="red", linestyle="--", linewidth=1)
        ax.set_title(title)
        ax.tick_params(axis="x", labelsize=7)
    save(fig, doc.figure("footprint", "embedded footprint against its targets"))


SECTIONS = {
    "append_path": append_path,
    "peer": peer,
    "rebuild": rebuild,
    "grid_day": grid_day,
    "scoring_delisting": delisting,
    "footprint": footprint,
}


def render(results: Path, docs: Path, columns: int = 3, smoke: bool = False) -> Path:
    loaded = load(results, columns, smoke)
    doc = Doc(docs, docs / "performance")
    everything = [r for runs in loaded.values() for r in runs]
    doc.add(
        "# Performance",
        "",
        "Rendered by `bench/run-all` (`bench/render.py`) from `bench/results/*.jsonl`; do not "
        "edit by hand. Every figure stands beside a baseline measured in the same run on the "
        "same machine; the ratio is what compares across machines. Columns are commits "
        "(the latest run of each, oldest first, labelled `before`/`after` where the run was).",
        "",
        "## Runs",
        "",
        "| benchmark | column | date (UTC) | machine | load avg 1 min at start | versions |",
        "|---|---|---|---|---|---|",
    )
    for name, runs in loaded.items():
        for run in runs:
            m = run.get("machine", {})
            v = run.get("versions", {})
            versions = ", ".join(f"{k} {x}" for k, x in v.items())
            doc.add(
                f"| {name} | {head(run)} | {run.get('at', '')} | {m.get('cpu', '')}, "
                f"{m.get('cores', '')} cores, {m.get('memory_mb', '')} MB, {m.get('kernel', '')} "
                f"| {m.get('load_avg_1m', '')} | {versions} |"
            )
    doc.add("")
    if everything:
        subjects = {head(r): r.get("subject", "") for r in everything}
        doc.add("Commits: " + "; ".join(f"{k}: {s}" for k, s in subjects.items()), "")
    for name, section in SECTIONS.items():
        section(doc, loaded[name])
    notes = ROOT / "bench" / "performance-notes.md"
    if notes.exists() and not smoke:
        doc.add(notes.read_text(encoding="utf-8").rstrip(), "")
    path = docs / "performance.md"
    path.write_text("\n".join(doc.lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--docs", type=Path, default=ROOT / "docs")
    p.add_argument("--columns", type=int, default=3)
    p.add_argument("--smoke", action="store_true", help="render the smoke runs instead")
    args = p.parse_args()
    print(render(args.results, args.docs, args.columns, args.smoke))
