"""An SQLite transaction cancelled while it waits for another process's write lock leaves the
connection usable (issue #8, defect 6)."""

from __future__ import annotations

import asyncio
import sqlite3

from wuyi_core.db.sqlite import SQLiteDatabase


async def test_a_write_cancelled_while_waiting_for_the_lock_leaves_no_open_transaction(tmp_path):
    path = tmp_path / "wuyi.db"
    db = await SQLiteDatabase.open(path)
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE notes (text TEXT)")
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer
    other.execute("BEGIN IMMEDIATE")

    async def write(text: str) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO notes (text) VALUES ($1)", text)

    waiting = asyncio.create_task(write("cancelled"))
    await asyncio.sleep(0.3)  # BEGIN IMMEDIATE now waits in aiosqlite's thread
    waiting.cancel()
    await asyncio.sleep(0.1)
    other.execute("COMMIT")  # the lock frees; the cancelled BEGIN goes through in its thread
    other.close()

    async with asyncio.timeout(10):
        await write("later")
    async with db.read() as conn:
        assert [r["text"] for r in await conn.fetch("SELECT text FROM notes")] == ["later"]
    await db.close()
