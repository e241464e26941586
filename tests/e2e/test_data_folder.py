"""The embedded data folder holds contacts and complaint texts (issue #9, "Data at rest"): the
folder is 0700 and its database files (with SQLite's -wal and -shm) 0600; a folder made before
that rule, 755 and 644, is tightened when it is opened again."""

from __future__ import annotations

import stat
from pathlib import Path

from wuyi.embedded import open_embedded


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def write_something(path: Path) -> None:
    services, _ = await open_embedded(path)
    try:
        await services.registry.store.db.migrate(["CREATE TABLE IF NOT EXISTS touched (x TEXT)"])
        async with services.registry.store.db.transaction() as conn:
            await conn.execute("INSERT INTO touched (x) VALUES ('电话 13800000000')")
        files = sorted(path.glob("*.db*"))
        assert {f.name for f in files} >= {"registry.db", "reporting.db", "scoring.db"}
        assert any(f.name.endswith("-wal") for f in files)
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        await services.close()


async def test_a_new_data_folder_is_owner_only(tmp_path):
    data = tmp_path / "wuyi-data"
    await write_something(data)
    assert mode(data) == 0o700
    assert mode(data / "secret.key") == 0o600


async def test_an_older_world_readable_folder_is_tightened_when_opened(tmp_path):
    data = tmp_path / "wuyi-data"
    await write_something(data)
    data.chmod(0o755)
    for file in data.glob("*.db*"):
        file.chmod(0o644)
    await write_something(data)
    assert mode(data) == 0o700
