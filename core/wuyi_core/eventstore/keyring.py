"""The keys of the event chain's HMAC: held outside the database, so that whoever can write the
database cannot forge a hash that ``audit verify`` accepts.

A keyring is a list of ``id:secret`` entries, oldest first; the last one is current and signs new
events and checkpoints, the older ones stay to verify what they signed (rotation: append a key,
never remove one while events signed with it exist). The same text comes from
``WUYI_AUDIT_KEYS`` (entries separated by commas or newlines), from the file named by
``WUYI_AUDIT_KEYS_FILE``, or in the embedded mode from ``audit-keys`` in the data folder
(generated on first start, mode 0600). docs/security.md, "Tamper evidence and key handling".
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from wuyi_core.errors import InvalidInput

MIN_SECRET_CHARS = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,40}$")


class Keyring:
    """Audit keys by id; ``current`` signs, every key verifies what it signed."""

    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if current not in keys:
            raise ValueError(f"current key {current!r} is not in the keyring")
        self._keys = dict(keys)
        self.current = current

    @property
    def ids(self) -> list[str]:
        return list(self._keys)

    def knows(self, key_id: str) -> bool:
        return key_id in self._keys

    def mac(self, key_id: str, message: str) -> str:
        """HMAC-SHA256 of ``message`` under the key ``key_id`` (KeyError if unknown)."""
        return hmac.new(self._keys[key_id], message.encode(), hashlib.sha256).hexdigest()

    @classmethod
    def parse(cls, text: str, source: str = "WUYI_AUDIT_KEYS") -> Keyring:
        keys: dict[str, bytes] = {}
        for entry in re.split(r"[,\n]", text):
            entry = entry.strip()
            if not entry or entry.startswith("#"):
                continue
            key_id, sep, secret = entry.partition(":")
            if not sep or not _KEY_ID.match(key_id) or len(secret) < MIN_SECRET_CHARS:
                raise _bad(source, f"entry {key_id or entry[:8]!r}")
            if key_id in keys:
                raise _bad(source, f"key id {key_id!r} twice")
            keys[key_id] = secret.encode()
        if not keys:
            raise _bad(source, "no key")
        return cls(keys, list(keys)[-1])

    @classmethod
    def from_file(cls, path: Path) -> Keyring:
        return cls.parse(path.read_text(), str(path))

    @classmethod
    def from_environment(cls) -> Keyring | None:
        """The distributed mode's keyring: ``WUYI_AUDIT_KEYS`` or ``WUYI_AUDIT_KEYS_FILE``."""
        if text := os.environ.get("WUYI_AUDIT_KEYS"):
            return cls.parse(text)
        if file := os.environ.get("WUYI_AUDIT_KEYS_FILE"):
            return cls.from_file(Path(file))
        return None

    @classmethod
    def development(cls) -> Keyring:
        """A keyring anyone can rebuild: for tests and tools only. Deployments pass their own
        (``wuyi serve`` refuses to start without ``WUYI_AUDIT_KEYS``)."""
        return cls({"dev": b"wuyi-development-key-not-secret-0000"}, "dev")


class NoKeys(Keyring):
    """Where no audit keys are configured (a distributed CLI without ``WUYI_AUDIT_KEYS``):
    reading works, anything that must hash or verify refuses with a clear message."""

    def __init__(self) -> None:
        super().__init__({"": b""}, "")

    def knows(self, key_id: str) -> bool:
        return False

    def mac(self, key_id: str, message: str) -> str:
        raise InvalidInput(
            "未设置审计密钥 WUYI_AUDIT_KEYS（或 WUYI_AUDIT_KEYS_FILE），无法写入或校验事件",
            "the audit keys are not set (WUYI_AUDIT_KEYS or WUYI_AUDIT_KEYS_FILE): events can "
            "be neither written nor verified",
            "audit_keys",
        )


def new_entry(key_id: str) -> str:
    """A fresh ``id:secret`` line (256 random bits)."""
    return f"{key_id}:{secrets.token_urlsafe(32)}"


def rotate_file(path: Path) -> str:
    """Append a new current key to the key file (created 0600 if missing); returns its id."""
    existing = Keyring.from_file(path).ids if path.exists() else []
    number = 1 + max((int(k[1:]) for k in existing if re.fullmatch(r"k\d+", k)), default=0)
    key_id = f"k{number}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(new_entry(key_id) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o600)
    return key_id


def _bad(source: str, what: str) -> InvalidInput:
    return InvalidInput(
        f"审计密钥配置无效（{source}：{what}）；每项为 id:密钥，密钥至少 {MIN_SECRET_CHARS} 个字符",
        f"invalid audit keys ({source}: {what}); each entry is id:secret, the secret at least "
        f"{MIN_SECRET_CHARS} characters",
        "audit_keys",
    )
