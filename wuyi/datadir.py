"""An embedded deployment's data folder: one SQLite file per service, the JWT secret, the audit
keys and checkpoints, a lock.

The lock is an OS file lock held by ``wuyi up`` for its lifetime, so a second ``wuyi up`` on the
same folder stops with a clear message instead of running two writers' background loops; the
lock dies with the process, so a killed server never leaves a stale lock behind.

The folder holds contacts and complaint texts, so only its owner may enter it (0700) and read
its databases (0600, which SQLite gives its -wal and -shm files too); a folder made before
this rule is tightened when it is next opened.

The audit keys (``audit-keys``, 0600) and the signed checkpoints (``checkpoints/``) sit beside
the databases, not in them: whoever can write a database file but not the folder (a restored
or copied database, SQL access through a tool) cannot forge the chain. Whoever holds the whole
folder holds the keys too (docs/security.md, "Tamper evidence and key handling").
"""

from __future__ import annotations

import fcntl
import os
import secrets
from pathlib import Path
from typing import IO

from wuyi_core.eventstore.checkpoints import FileCheckpointLog
from wuyi_core.eventstore.keyring import Keyring, rotate_file


class DataDirBusy(RuntimeError):
    pass


class DataDir:
    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        self._lock: IO[str] | None = None

    def ensure(self) -> DataDir:
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path.chmod(0o700)
        return self

    def database(self, service: str) -> Path:
        """The service's SQLite file, created (or tightened) owner-only before SQLite opens it."""
        file = self.path / f"{service}.db"
        if not file.exists():
            os.close(os.open(file, os.O_WRONLY | os.O_CREAT, 0o600))
        for part in (file, file.with_name(f"{file.name}-wal"), file.with_name(f"{file.name}-shm")):
            if part.exists():
                part.chmod(0o600)
        return file

    def jwt_secret(self) -> str:
        """The deployment's signing secret, generated (mode 600) on first use."""
        file = self.path / "secret.key"
        if not file.exists():
            self.ensure()
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return file.read_text().strip()

    @property
    def audit_keys(self) -> Path:
        return self.path / "audit-keys"

    def keyring(self) -> Keyring:
        """The audit keyring, its first key generated (mode 600) on first use."""
        if not self.audit_keys.exists():
            self.ensure()
            rotate_file(self.audit_keys)
        return Keyring.from_file(self.audit_keys)

    def checkpoint_log(self, service: str) -> FileCheckpointLog:
        return FileCheckpointLog(self.path / "checkpoints" / f"{service}.json")

    def lock(self) -> None:
        self.ensure()
        handle = open(self.path / "wuyi.lock", "a+")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise DataDirBusy(
                f"数据目录 {self.path} 已被另一个 wuyi up 进程使用；"
                "请先停止它，或用 --data 指定其他目录。\n"
                f"The data folder {self.path} is in use by another `wuyi up`; stop it first "
                "or pass another --data."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock = handle

    def unlock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
