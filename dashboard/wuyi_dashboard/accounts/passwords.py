"""Password hashing with scrypt (RFC 7914) from the standard library.

Why scrypt and not argon2id: both are memory-hard and on OWASP's list; scrypt ships with Python
(hashlib, OpenSSL), so the embedded product needs no native wheel. Parameters are OWASP's
scrypt row N=2^15, r=8, p=3 (32 MiB per hash). The encoded form names them, so stronger
parameters can come later and old hashes still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

LOG_N, R, P = 15, 8, 3
_MAXMEM = 64 * 1024 * 1024


def _scrypt(password: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=1 << log_n, r=r, p=p, maxmem=_MAXMEM, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, LOG_N, R, P)
    return f"scrypt${LOG_N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    try:
        kind, log_n, r, p, salt, digest = encoded.split("$")
        if kind != "scrypt":
            return False
        computed = _scrypt(password, base64.b64decode(salt), int(log_n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


DUMMY_HASH = hash_password(secrets.token_urlsafe(16))  # verified for unknown names: same time


def new_password() -> str:
    """A random password a person can type: 12 characters, about 71 bits."""
    return secrets.token_urlsafe(9)
