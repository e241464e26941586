"""CLI commands that act on a deployment: import, rebuild, audit verify and key rotation, demo
seeding.

Kafka's client is imported by the command that uses it: ``wuyi up`` imports this module, and
its ready time is one of issue #12's figures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from wuyi_core.audit import VerifyReport, verify_chains
from wuyi_core.auth import Principal, Role
from wuyi_core.errors import InvalidInput, WuyiError
from wuyi_core.eventstore.keyring import rotate_file
from wuyi_core.eventstore.records import StoredEvent, new_id
from wuyi_core.projection import Projector
from wuyi_core.settings import WuyiSettings
from wuyi_registry.adapters.roster_files import read_roster
from wuyi_registry.application.roster_import import import_rows

from wuyi.datadir import DataDir
from wuyi.demo import DemoSize, seed, seeding_services
from wuyi.services import Services, services_for

Bar = Callable[[], Progress]


async def import_roster_file(
    data: Path | None, file: Path, tenant: str | None, console: Console, progress_bar: Bar
) -> int:
    try:
        rows = read_roster(file.name, file.read_bytes())
        async with services_for(data) as services:
            tenant = tenant or await _only_tenant(services)
            admin = Principal(sub="cli-import", tenant=tenant, role=Role.COUNTY_ADMIN, scope=None)
            with progress_bar() as bar:
                task = bar.add_task(f"导入 / importing {file.name}", total=len(rows))
                results = await import_rows(
                    services.registry,
                    admin,
                    new_id(),
                    rows,
                    lambda done, _: bar.update(task, completed=done),
                )
    except (WuyiError, OSError) as err:
        return _error(console, err)
    table = Table("行 / row", "结果 / status", "字段 / field", "说明 / reason")
    for result in results:
        if result.status != "accepted":
            r = asdict(result)
            table.add_row(
                str(r["row"]),
                r["status"],
                r["field"] or "",
                f"{r['message_zh']} / {r['message_en']}",
            )
    counts = {s: sum(r.status == s for r in results) for s in ("accepted", "skipped", "rejected")}
    if table.row_count:
        console.print(table)
    console.print(
        f"导入完成 / done: 成功 accepted {counts['accepted']}, 跳过 skipped "
        f"{counts['skipped']}, 拒绝 rejected {counts['rejected']}"
    )
    return 1 if counts["rejected"] else 0


async def rebuild_projection(
    data: Path | None, name: str, source: str, console: Console, progress_bar: Bar
) -> int:
    """Rebuild from the service's log, or in distributed mode from its Kafka topic (the
    default there for projections that need no private data)."""
    try:
        async with services_for(data) as services:
            projector = services.projectors.get(name)
            if projector is None:
                known = ", ".join(sorted(services.projectors))
                console.print(f"[red]没有名为 {name} 的投影[/red]；可选 / known: {known}")
                return 2
            service = next(s for s, store in services.stores.items() if store is projector.store)
            topic = _topic_source(data, projector, service, source)
            zh, en = ("主题", "topic") if topic is not None else ("日志", "log")
            with progress_bar() as bar:
                task = bar.add_task(f"重建 / rebuilding {name} ← {zh} / {en}", total=None)
                applied = await projector.rebuild(
                    lambda done, total: bar.update(task, completed=done, total=total), topic
                )
    except WuyiError as err:
        return _error(console, err)
    console.print(
        f"投影 {name} 已从{zh}重建并切换 / rebuilt from the {en} and swapped in: {applied} events"
    )
    return 0


def _topic_source(
    data: Path | None, projector: Projector, service: str, source: str
) -> AsyncIterator[list[StoredEvent]] | None:
    if source not in ("auto", "log", "topic"):
        raise InvalidInput(
            "--source 只能是 log、topic 或 auto", "--source is log, topic or auto", "source"
        )
    settings = WuyiSettings()
    wants_topic = source == "topic" or (
        source == "auto"
        and data is None
        and settings.kafka_bootstrap is not None
        and not projector.projection.uses_private
    )
    if not wants_topic:
        return None
    if data is not None or settings.kafka_bootstrap is None:
        raise InvalidInput(
            "从主题重建需要分布式部署（WUYI_KAFKA_BOOTSTRAP）",
            "rebuilding from a topic needs the distributed deployment (WUYI_KAFKA_BOOTSTRAP)",
            "source",
        )
    if projector.projection.uses_private:
        raise InvalidInput(
            "该投影含有不公开的数据，只能从日志重建",
            "this projection holds private data; rebuild it from the log",
            "source",
        )
    from wuyi_core.bus.kafka import KafkaBus
    from wuyi_core.bus.topic_history import topic_history

    return topic_history(
        KafkaBus.from_settings(settings), service, types=projector.projection.types
    )


async def verify_audit(data: Path | None, console: Console) -> int:
    """Exit 1 naming the first broken position of a service; 0 when every log holds."""
    try:
        async with services_for(data, checkpoint=False) as services:
            failed = False
            for service, store in services.stores.items():
                log = services.checkpoint_logs.get(service)
                report = await verify_chains(store, await log.latest() if log else None)
                failed = failed or not report.ok
                _print_report(console, service, report)
    except WuyiError as err:
        return _error(console, err)
    return 1 if failed else 0


def _print_report(console: Console, service: str, report: VerifyReport) -> None:
    b = report.broken
    if b is not None:
        where = (
            f"stream {b.stream_id} v{b.stream_version}, event {b.event_id}: " if b.event_id else ""
        )
        console.print(
            f"[red]{service}: 哈希链断裂 / hash chain broken[/red] at position "
            f"{b.position}, {where if b.event_id else ''}{b.reason}"
        )
        return
    console.print(f"{service}: 完好 / intact — {report.events} events, {report.streams} streams")
    if report.checkpoint is None:
        console.print(
            f"[yellow]{service}: 无签名检查点，无法发现删除的末尾事件 / no signed checkpoint: "
            "a deleted tail cannot be detected[/yellow]"
        )
    elif report.checkpoint < report.events:
        console.print(
            f"{service}: 签名检查点至 / signed checkpoint up to position {report.checkpoint}; "
            f"{report.events - report.checkpoint} later events rest on their keyed hashes only"
        )
    if report.legacy:
        console.print(
            f"{service}: {report.legacy} 个旧版（未加密钥）事件由检查点担保 / legacy unkeyed "
            "events vouched for by the signed checkpoint"
        )


async def rotate_audit_key(data: Path | None, console: Console) -> int:
    """Append a new current key to the embedded deployment's keyring (the old ones stay)."""
    if data is None:
        console.print(
            "分布式部署：在 WUYI_AUDIT_KEYS 末尾追加新的 id:密钥 并保留旧密钥，然后重启各服务 / "
            "distributed: append a new id:secret to WUYI_AUDIT_KEYS, keep the old ones, restart "
            "the services (docs/security.md)"
        )
        return 2
    key_id = rotate_file(DataDir(data).ensure().audit_keys)
    console.print(
        f"新审计密钥 / new audit key {key_id}: 重启 wuyi up 后用于新事件 / signs new events "
        "after `wuyi up` restarts; 旧密钥保留用于校验 / older keys stay to verify"
    )
    return 0


async def list_dead_letters(data: Path | None, console: Console) -> int:
    """One line per parked event (greppable): consumer, event id, attempts, time, error."""
    parked = 0
    async with services_for(data) as services:
        for runner in services.consumers().values():
            async with runner.db.read() as conn:
                rows = await conn.fetch(
                    "SELECT event_id, error, attempts, parked_at FROM dead_letters"
                    " WHERE consumer = $1 ORDER BY parked_at",
                    runner.name,
                )
            for row in rows:
                parked += 1
                console.print(
                    f"{runner.name}\t{row['event_id']}\t{row['attempts']}\t"
                    f"{row['parked_at']}\t{row['error']}",
                    markup=False,
                )
    if not parked:
        console.print("没有暂存事件 / no parked events")
    return 0


async def replay_dead_letters(data: Path | None, console: Console) -> int:
    still = 0
    async with services_for(data) as services:
        for name, runner in services.consumers().items():
            replayed, left = await runner.replay_dead_letters()
            still += left
            console.print(f"{name}: 已重放 replayed {replayed}, 仍失败 still failing {left}")
    return 1 if still else 0


async def seed_demo(data: Path | None, size: DemoSize, console: Console, progress_bar: Bar) -> int:
    """Generate the demo county with a progress bar per chapter (registry rows, report days)."""
    labels = {
        "registry": "登记主体与网格 / registry",
        "reporting": "逐日报告 / daily reports",
        "scoring": "评定与授牌 / scoring",
    }
    async with seeding_services(data) as (services, clock):
        with progress_bar() as bar:
            tasks = {name: bar.add_task(label, total=None) for name, label in labels.items()}
            counts = await seed(
                services,
                clock,
                size,
                lambda name, done, total: bar.update(tasks[name], completed=done, total=total),
            )
    console.print(f"示范县 / demo county: {counts}")
    return 0


async def _only_tenant(services: Services) -> str:
    tenants = await services.registry.reads.tenants()
    if len(tenants) == 1:
        return tenants[0]
    raise WuyiError(
        "部署中有多个或没有县/区，请用 --tenant 指定",
        f"found {len(tenants)} tenants; pass --tenant",
        "tenant",
    )


def _error(console: Console, err: Exception) -> int:
    if isinstance(err, WuyiError):
        console.print(f"[red]{err.message_zh}[/red]\n{err.message_en}")
    else:
        console.print(f"[red]无法读取文件 / cannot read the file[/red]: {err}")
    return 2
