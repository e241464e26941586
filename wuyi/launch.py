"""``wuyi up``: lock the data folder, open the services, seed the demo, serve on one port."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import uvicorn
from rich.console import Console
from rich.progress import Progress
from wuyi_core.settled import settled
from wuyi_dashboard.accounts.store import Accounts

from wuyi.commands import seed_demo
from wuyi.datadir import DataDir, DataDirBusy
from wuyi.demo import TENANT, DemoSize
from wuyi.demo_users import demo_users
from wuyi.embedded import create_embedded_app, open_accounts, open_embedded
from wuyi.services import Services


def run_embedded(
    path: Path,
    host: str,
    port: int,
    demo: bool,
    console: Console,
    progress_bar: Callable[[], Progress],
) -> None:
    data = DataDir(path)
    try:
        data.lock()
    except DataDirBusy as err:
        console.print(f"[red]{err}[/red]")
        raise SystemExit(2) from None
    try:
        asyncio.run(_serve(path, host, port, demo, console, progress_bar))
    except KeyboardInterrupt:  # Ctrl-C: the server has shut down and every database is closed
        console.print("无疫 Wuyi 已停止 / stopped")
    finally:
        data.unlock()


async def _serve(
    path: Path,
    host: str,
    port: int,
    demo: bool,
    console: Console,
    progress_bar: Callable[[], Progress],
) -> None:
    if demo:
        await seed_demo(path, DemoSize(), console, progress_bar)
    services, tokens = await open_embedded(path)
    accounts = await open_accounts(path)
    try:
        url = f"http://{host}:{port}/"
        console.print(
            f"无疫 Wuyi 已启动 / running: [bold]{url}[/bold]  (数据 / data: {path.resolve()})"
        )
        if demo:
            console.print(
                f"示范令牌 / demo token: .venv/bin/wuyi token --data {path} "
                f"--tenant {TENANT} --role county_admin"
            )
            console.print(f"示范用户（部署单位 {TENANT}）/ demo users (tenant {TENANT}):")
            for username, label, password in await demo_users(services, accounts):
                console.print(f"  {username:<10} {password}  {label}", soft_wrap=True)
            console.file.flush()  # seen at once even when the output is a pipe
        config = uvicorn.Config(
            create_embedded_app(services, tokens, accounts),
            host=host,
            port=port,
            log_level="warning",
        )
        await uvicorn.Server(config).serve()
    finally:
        await _close_even_if_interrupted(services, accounts)


async def _close_even_if_interrupted(services: Services, accounts: Accounts) -> None:
    """Close every database even when Ctrl-C cancels this task meanwhile. uvicorn re-raises the
    SIGINT it caught once it has shut down, and ``asyncio.run`` turns that into a cancellation of
    the main task, which cut the closing short: an aiosqlite connection left open keeps its
    thread, and so the process, alive after the command has ended (``wuyi up`` hung on Ctrl-C)."""

    async def close() -> None:
        try:
            await services.close()
        finally:
            await accounts.db.close()

    await settled(close())
