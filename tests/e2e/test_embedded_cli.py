"""The embedded product as a user runs it: real processes of the ``wuyi`` command."""

from __future__ import annotations

import asyncio
import fcntl
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from conftest import free_port, wait_for_http, wuyi_command

WUYI = wuyi_command()


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([WUYI, *args], capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        pytest.fail(f"wuyi {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


class Server:
    def __init__(self, data: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [WUYI, "up", "--data", str(data), "--port", str(self.port), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    async def ready(self) -> Server:
        await wait_for_http(f"{self.url}/registry/health", timeout=90)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        self.process.send_signal(sig)
        self.process.wait(timeout=30)


def tiny_demo(data: Path) -> subprocess.CompletedProcess[str]:
    """One township, one village, one level-3 grid, one day of reports."""
    return run(
        "demo",
        "--data",
        str(data),
        "--townships",
        "1",
        "--villages",
        "1",
        "--grids",
        "1",
        "--days",
        "1",
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """The demo county, generated once per test run and shared by the xdist workers under a
    lock (it takes 30 to 90 s, and the browser modules need it too). Nobody writes to it:
    every user copies it first."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's base folder, shared by the workers
    folder = root / "demo-seeded"
    with open(root / "demo-seeded.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "demo-seeded.done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            run("demo", "--data", str(folder))
            (root / "demo-seeded.done").touch()
    return folder


@pytest.fixture(scope="module")
def demo(seeded, tmp_path_factory) -> Iterator[tuple[Path, Server]]:  # noqa: F811
    """One ``wuyi up`` on a copy of the demo for the tests that only read it (or try a second
    ``up`` on its folder, which changes nothing); a test that writes starts its own."""
    data = tmp_path_factory.mktemp("demo") / "data"
    shutil.copytree(seeded, data)
    server = asyncio.run(Server(data).ready())
    yield data, server
    server.stop()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """The tiny demo, generated once for the module; every user copies it first."""
    data = tmp_path_factory.mktemp("tiny") / "data"
    tiny_demo(data)
    return data


@pytest.fixture
def tiny_copy(tiny, tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(tiny, data)
    return data


def token(data: Path, role: str = "county_admin") -> dict[str, str]:
    jwt = run("token", "--data", str(data), "--tenant", "demo", "--role", role).stdout.strip()
    return {"Authorization": f"Bearer {jwt}"}


async def test_up_with_demo_serves_the_county_dashboard_and_openapi(demo):
    data, server = demo
    async with httpx.AsyncClient(base_url=server.url, headers=token(data)) as http:
        townships = (await http.get("/registry/v1/entities?kind=township")).json()
        assert townships["total"] == 3
        assert (await http.get("/registry/openapi.json")).json()["info"]["title"].startswith("Wuyi")
        page = await http.get("/")
        assert "无疫创建工作指挥台" in page.text


async def test_the_demo_tells_a_reporting_story(demo):
    data, server = demo
    async with httpx.AsyncClient(base_url=server.url, headers=token(data)) as http:
        villages = (await http.get("/registry/v1/entities?kind=village&limit=100")).json()
        verdicts = [
            (await http.get(f"/reporting/v1/eligibility/{v['id']}")).json()
            for v in villages["items"]
        ]
        failed = {rule["rule"] for v in verdicts for rule in v["reasons"] if not rule["passed"]}
        # the village with yesterday's case fails the history rule too (not lifted yet)
        assert any(v["eligible"] for v in verdicts)
        assert failed == {"cycle", "history", "reporting"}
        county = (await http.get("/registry/v1/entities?kind=county")).json()["items"][0]
        week = (await http.get(f"/reporting/v1/completeness?entity_id={county['id']}")).json()
        assert week["expected"] == 48
    async with httpx.AsyncClient(base_url=server.url) as public:  # no token: public lists
        holders = (await public.get("/scoring/v1/honor-list?tenant=demo")).json()["holders"]
        lost = (await public.get("/scoring/v1/delistings?tenant=demo")).json()["delistings"]
    assert len(holders) >= 3 and [d["reason"] for d in lost] == ["case"]


async def test_a_second_up_on_the_same_data_folder_fails_clearly(demo):
    data, _ = demo
    second = subprocess.run(
        [WUYI, "up", "--data", str(data), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 2
    assert "已被另一个 wuyi up 进程使用" in second.stderr and "in use" in second.stderr


async def test_up_with_demo_on_a_seeded_folder_adds_nothing_and_serves(seeded, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    server = await Server(data, "--demo").ready()
    # the demo prints one user per role with a fresh password, before it serves
    assert server.process.stderr is not None  # the console writes to stderr
    os.set_blocking(server.process.stderr.fileno(), False)
    printed = os.read(server.process.stderr.fileno(), 1 << 20).decode()
    users = dict(
        line.split()[:2]
        for line in printed.splitlines()
        if line.startswith("  ") and len(line.split()) >= 3
    )
    async with httpx.AsyncClient(base_url=server.url) as http:
        signed = await http.post(
            "/auth/v1/sign-in",
            json={"tenant": "demo", "username": "grid", "password": users.get("grid", "")},
            headers={"Origin": server.url},
        )
    server.stop()
    assert signed.status_code == 200 and signed.json()["role"] == "grid_member"
    assert "'accepted': 0" in printed
    assert {"admin", "evaluator", "reviewer", "village", "grid", "leader"} <= users.keys()


async def test_data_survives_a_killed_server(seeded, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    server = await Server(data).ready()
    server.stop(signal.SIGKILL)
    restarted = await Server(data).ready()
    try:
        async with httpx.AsyncClient(base_url=restarted.url, headers=token(data)) as http:
            assert (await http.get("/registry/v1/grids?level=3")).json()["total"] == 36
    finally:
        restarted.stop()


async def test_ctrl_c_stops_up_with_every_database_closed(seeded, tmp_path):
    """Ctrl-C ends ``wuyi up``, which says so and frees its data folder. uvicorn re-raises the
    SIGINT it caught once it has shut down; that cancelled the closing of the databases, and an
    open aiosqlite connection's thread kept the process alive (5 of 8 trials hung)."""
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    for _ in range(3):
        server = await Server(data).ready()
        server.process.send_signal(signal.SIGINT)
        try:
            _out, printed = server.process.communicate(timeout=30)  # the console is stderr
        finally:
            server.process.kill()  # a hung one
        assert server.process.returncode == 0 and "已停止 / stopped" in printed


def test_up_loads_no_document_or_kafka_library_before_one_is_used():
    """``wuyi up``'s modules leave fpdf2, openpyxl, NumPy, python-docx and aiokafka to the first
    export, roster upload or topic rebuild: together they were about 40 % of its imports, and
    its ready time is one of issue #12's figures."""
    heavy = ["fpdf", "openpyxl", "numpy", "docx", "aiokafka"]
    probe = f"import sys, wuyi.launch, wuyi.cli; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr


async def test_a_seeded_demo_is_not_seeded_twice(tiny_copy):
    again = tiny_demo(tiny_copy)
    assert "'accepted': 0" in again.stderr


def test_import_roster_from_the_command_line_reports_rows(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "record,code,name,kind,parent_code\nentity,C,示范县,county,\n"
        "entity,T,东安镇,township,C\nentity,X,坏,castle,C\n",
        encoding="utf-8",
    )
    first = run(
        "import",
        "roster",
        "--data",
        str(tmp_path / "d"),
        "--tenant",
        "demo",
        str(roster),
        check=False,
    )
    assert first.returncode == 1  # a row was rejected
    assert "accepted 2" in first.stderr and "rejected 1" in first.stderr and "kind" in first.stderr
    again = run("import", "roster", "--data", str(tmp_path / "d"), str(roster), check=False)
    assert "accepted 0" in again.stderr and "skipped 2" in again.stderr


def test_projection_rebuild_names_known_projections(tiny_copy):
    data = tiny_copy
    for name in ("registry", "honor-list", "delistings"):
        rebuilt = run("projections", "rebuild", "--data", str(data), name)
        assert "rebuilt from the log and swapped in" in rebuilt.stderr
    unknown = run("projections", "rebuild", "--data", str(data), "nope", check=False)
    assert unknown.returncode == 2 and "registry" in unknown.stderr


def test_audit_verify_passes_then_names_an_altered_event_and_a_deleted_tail(tiny_copy):
    """Issue #9: a deleted tail event leaves every stream's chain valid; the signed checkpoint
    in the data folder (beside the database, not in it) still names it, after a key rotation."""
    data = tiny_copy
    assert (data / "audit-keys").stat().st_mode & 0o777 == 0o600
    assert "k2" in run("audit", "rotate-key", "--data", str(data)).stderr
    assert "intact" in run("audit", "verify", "--data", str(data)).stderr
    with sqlite3.connect(data / "registry.db") as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute(
            "UPDATE events SET data = replace(data, '示范县', '篡改县') WHERE position = 1"
        )
    with sqlite3.connect(data / "reporting.db") as conn:
        conn.execute("DROP TRIGGER events_no_delete")
        [(last,)] = conn.execute("SELECT MAX(position) FROM events").fetchall()
        conn.execute("DELETE FROM events WHERE position = ?", (last,))
    failed = run("audit", "verify", "--data", str(data), check=False)
    assert failed.returncode == 1
    assert "position 1" in failed.stderr and "altered" in failed.stderr
    assert f"position {last}" in failed.stderr and "deleted tail" in failed.stderr


def test_audit_verify_names_an_altered_delisting(seeded, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    with sqlite3.connect(data / "scoring.db") as conn:
        conn.execute("DROP TRIGGER events_no_update")
        [(position,)] = conn.execute(
            "SELECT position FROM events WHERE type LIKE '%.delisted.v1'"
        ).fetchall()
        conn.execute(
            "UPDATE events SET data = replace(data, '\"case\"', '\"fraud\"') WHERE position = ?",
            (position,),
        )
    failed = run("audit", "verify", "--data", str(data), check=False)
    assert failed.returncode == 1
    assert f"position {position}" in failed.stderr and "scoring" in failed.stderr


def test_token_without_data_or_secret_explains_what_to_do(monkeypatch):
    monkeypatch.delenv("WUYI_JWT_SECRET", raising=False)
    result = run("token", "--tenant", "demo", "--role", "county_admin", check=False)
    assert result.returncode == 2 and "--data" in result.stderr


async def test_a_case_reported_to_the_running_server_delists_its_village_at_once(seeded, tmp_path):
    """The embedded wiring itself: ``wuyi up`` runs scoring's delisting policy on its bus."""
    data = tmp_path / "data"
    shutil.copytree(seeded, data)
    server = await Server(data).ready()
    try:
        await _a_case_delists_its_village(data, server)
    finally:
        server.stop()


async def _a_case_delists_its_village(data: Path, server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as public:
        holders = (await public.get("/scoring/v1/honor-list?tenant=demo")).json()["holders"]
        before = len((await public.get("/scoring/v1/delistings?tenant=demo")).json()["delistings"])
        target = holders[0]["entity_id"]
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
        case = await public.post(
            "/reporting/v1/cases",
            json={"entity_id": target, "kind": "confirmed", "date": today},
            headers=token(data),
        )
        assert case.status_code == 201, case.text
        async with asyncio.timeout(20):
            while True:
                lost = (await public.get("/scoring/v1/delistings?tenant=demo")).json()
                if lost["count"] > before:
                    break
                await asyncio.sleep(0.1)
        assert lost["delistings"][0]["entity_id"] == target
        remaining = (await public.get("/scoring/v1/honor-list?tenant=demo")).json()["holders"]
        assert target not in {h["entity_id"] for h in remaining}
