"""Accounts and recent sign-in failures, in the deployment's own database (embedded: the
``accounts.db`` SQLite file of the data folder). Accounts are configuration, not campaign
facts, so they are plain rows, not events."""

from __future__ import annotations

from datetime import datetime

from wuyi_core.auth import Role
from wuyi_core.db.port import AbstractDatabase, Row
from wuyi_core.errors import Conflict

DDL = [
    "CREATE TABLE IF NOT EXISTS accounts (tenant TEXT NOT NULL, username TEXT NOT NULL,"
    " display_name TEXT NOT NULL, role TEXT NOT NULL, scope TEXT, password_hash TEXT NOT NULL,"
    " created_at TEXT NOT NULL, created_by TEXT NOT NULL, PRIMARY KEY (tenant, username))",
    "CREATE TABLE IF NOT EXISTS sign_in_failures (key TEXT NOT NULL, at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sign_in_failures_key ON sign_in_failures (key, at)",
]


class Accounts:
    def __init__(self, db: AbstractDatabase) -> None:
        self.db = db

    async def migrate(self) -> Accounts:
        await self.db.migrate(DDL)
        return self

    async def create(
        self,
        tenant: str,
        username: str,
        display_name: str,
        role: Role,
        scope: str | None,
        password_hash: str,
        now: datetime,
        created_by: str,
    ) -> None:
        async with self.db.transaction(lock=f"accounts:{tenant}") as conn:
            if await conn.fetchrow(
                "SELECT 1 FROM accounts WHERE tenant = $1 AND username = $2", tenant, username
            ):
                raise Conflict(
                    f"用户名已存在：{username}", f"username {username} is taken", "username"
                )
            await conn.execute(
                "INSERT INTO accounts VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                tenant,
                username,
                display_name,
                role.value,
                scope,
                password_hash,
                now.isoformat(),
                created_by,
            )

    async def set_password(self, tenant: str, username: str, password_hash: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE accounts SET password_hash = $3 WHERE tenant = $1 AND username = $2",
                tenant,
                username,
                password_hash,
            )

    async def get(self, tenant: str, username: str) -> Row | None:
        async with self.db.read() as conn:
            return await conn.fetchrow(
                "SELECT * FROM accounts WHERE tenant = $1 AND username = $2", tenant, username
            )

    async def all(self, tenant: str) -> list[Row]:
        async with self.db.read() as conn:
            return await conn.fetch(
                "SELECT tenant, username, display_name, role, scope, created_at FROM accounts"
                " WHERE tenant = $1 ORDER BY username",
                tenant,
            )

    async def failures(self, key: str, since: datetime) -> list[datetime]:
        async with self.db.read() as conn:
            rows = await conn.fetch(
                "SELECT at FROM sign_in_failures WHERE key = $1 AND at > $2",
                key,
                since.isoformat(),
            )
        return [datetime.fromisoformat(r["at"]) for r in rows]

    async def fail(self, keys: list[str], now: datetime, older_than: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM sign_in_failures WHERE at < $1", older_than.isoformat())
            for key in keys:
                await conn.execute(
                    "INSERT INTO sign_in_failures VALUES ($1, $2)", key, now.isoformat()
                )

    async def forgive(self, key: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM sign_in_failures WHERE key = $1", key)
