"""``scripts/dev-services`` run from a fault test, with its state folder in the environment."""

from __future__ import annotations

import asyncio
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dev-services"


async def dev_services(env: dict[str, str], *args: str, timeout: float) -> None:
    """Run one command; on failure raise with the end of its error output."""
    process = await asyncio.create_subprocess_exec(
        str(SCRIPT),
        *args,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(timeout):
            _, stderr = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    if process.returncode != 0:
        raise RuntimeError(f"dev-services {' '.join(args)} failed:\n{stderr.decode()[-3000:]}")
