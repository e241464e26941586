"""The ``wuyi`` command line (API.md): up, serve, token, import, projections, audit, demo."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from wuyi_core.auth import Role

app = typer.Typer(help="无疫 Wuyi — epidemic-free designation campaigns", no_args_is_help=True)
imports = typer.Typer(help="批量导入 / bulk imports", no_args_is_help=True)
projections = typer.Typer(help="投影 / projections", no_args_is_help=True)
audit = typer.Typer(help="审计 / audit", no_args_is_help=True)
app.add_typer(imports, name="import")
app.add_typer(projections, name="projections")
app.add_typer(audit, name="audit")
tokens = typer.Typer(
    help="签发与吊销令牌 / mint a token (options below) or revoke one (revoke JTI)"
)
app.add_typer(tokens, name="token")
dead_letters = typer.Typer(help="死信 / parked events", no_args_is_help=True)
app.add_typer(dead_letters, name="dead-letters")
console = Console(stderr=True, soft_wrap=True)

DataOpt = Annotated[Path | None, typer.Option("--data", help="embedded data folder")]
DEFAULT_DATA = Path("wuyi-data")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def fail(zh: str, en: str) -> typer.Exit:
    console.print(f"[red]{zh}[/red]\n{en}")
    return typer.Exit(code=2)


@app.command()
def up(
    data: DataOpt = None,
    port: int = 8000,
    host: str = "127.0.0.1",
    demo: Annotated[bool, typer.Option("--demo", help="seed the demo county")] = False,
) -> None:
    """嵌入式运行全部服务与指挥台 / run every service and the dashboard in one process."""
    from wuyi.launch import run_embedded

    run_embedded(data or DEFAULT_DATA, host, port, demo, console, progress_bar)


@app.command()
def serve(
    service: str,
    worker: Annotated[bool, typer.Option("--worker")] = False,
    port: Annotated[int | None, typer.Option("--port")] = None,
) -> None:
    """分布式运行单个服务 / run one service on PostgreSQL + Kafka (configured by WUYI_*)."""
    from wuyi.distributed import run_service

    run_service(service, worker, port, console)


@tokens.callback(invoke_without_command=True)
def token(
    ctx: typer.Context,
    tenant: Annotated[str | None, typer.Option("--tenant")] = None,
    role: Annotated[Role | None, typer.Option("--role")] = None,
    data: DataOpt = None,
    scope: Annotated[str | None, typer.Option("--scope")] = None,
    sub: Annotated[str | None, typer.Option("--sub")] = None,
    new_tenant: Annotated[
        bool, typer.Option("--new-tenant", help="the first token of a county not registered yet")
    ] = False,
) -> None:
    """签发令牌 / print a JWT for a tenant and scope the registry knows (embedded: --data;
    distributed: WUYI_JWT_SECRET and WUYI_DATABASE_URL)."""
    if ctx.invoked_subcommand is not None:
        return
    from wuyi_core.auth import TokenService
    from wuyi_core.errors import WuyiError

    from wuyi.tokens import checked

    if tenant is None or role is None:
        raise fail("请给出 --tenant 与 --role", "pass --tenant and --role")
    if data is not None:
        from wuyi.datadir import DataDir

        secret = DataDir(data).jwt_secret()
    else:
        secret = os.environ.get("WUYI_JWT_SECRET", "")
        if not secret:
            raise fail(
                "未设置 WUYI_JWT_SECRET；嵌入式部署请加 --data 目录",
                "WUYI_JWT_SECRET is not set; for an embedded deployment pass --data DIR",
            )
    try:
        asyncio.run(checked(data, tenant, role, scope, new_tenant))
    except WuyiError as err:
        raise fail(err.message_zh, err.message_en) from None
    print(TokenService(secret).mint(tenant, role, scope, sub or f"{role.value}@{tenant}"))


@tokens.command("revoke")
def token_revoke(
    jti: str, tenant: Annotated[str, typer.Option("--tenant")], data: DataOpt = None
) -> None:
    """吊销令牌 / revoke a token by its id (jti), at every service once replicated."""
    from wuyi_core.errors import WuyiError

    from wuyi.tokens import revoke

    try:
        revoked = asyncio.run(revoke(data, tenant, jti))
    except WuyiError as err:
        raise fail(err.message_zh, err.message_en) from None
    console.print(f"已吊销 / revoked {jti} (until {revoked['expires_at']})")


@imports.command("roster")
def import_roster(
    file: Path, data: DataOpt = None, tenant: Annotated[str | None, typer.Option("--tenant")] = None
) -> None:
    """从 CSV/XLSX 导入主体与网格 / import entities and grids, with a per-row report."""
    from wuyi.commands import import_roster_file

    code = asyncio.run(import_roster_file(data, file, tenant, console, progress_bar))
    raise typer.Exit(code)


@projections.command("rebuild")
def rebuild(
    name: str,
    data: DataOpt = None,
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="log | topic | auto (topic in distributed mode "
            "when the projection needs no private data)",
        ),
    ] = "auto",
) -> None:
    """从事件日志或主题重建投影并原子切换 / rebuild a projection, then swap it in."""
    from wuyi.commands import rebuild_projection

    raise typer.Exit(asyncio.run(rebuild_projection(data, name, source, console, progress_bar)))


@audit.command("verify")
def verify(data: DataOpt = None) -> None:
    """校验所有事件流的哈希链 / check every stream's hash chain; non-zero on tampering."""
    from wuyi.commands import verify_audit

    raise typer.Exit(asyncio.run(verify_audit(data, console)))


@audit.command("rotate-key")
def rotate_key(data: DataOpt = None) -> None:
    """新增审计密钥并设为当前 / add a new current audit key (embedded; older keys stay)."""
    from wuyi.commands import rotate_audit_key

    raise typer.Exit(asyncio.run(rotate_audit_key(data, console)))


@dead_letters.command("list")
def dead_letters_list(data: DataOpt = None) -> None:
    """列出处理失败而暂存的事件 / list events parked after failing."""
    from wuyi.commands import list_dead_letters

    raise typer.Exit(asyncio.run(list_dead_letters(data, console)))


@dead_letters.command("replay")
def dead_letters_replay(data: DataOpt = None) -> None:
    """修复原因后重放暂存事件 / replay parked events once their cause is fixed."""
    from wuyi.commands import replay_dead_letters

    raise typer.Exit(asyncio.run(replay_dead_letters(data, console)))


@app.command()
def demo(
    data: DataOpt = None, townships: int = 3, villages: int = 4, grids: int = 3, days: int = 21
) -> None:
    """生成示范县数据 / generate the demo county (size flags for benchmarks)."""
    from wuyi.commands import seed_demo
    from wuyi.demo import DemoSize

    size = DemoSize(townships, villages, grids, days)
    raise typer.Exit(asyncio.run(seed_demo(data, size, console, progress_bar)))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
