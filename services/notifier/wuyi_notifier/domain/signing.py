"""Webhook signatures: HMAC-SHA256 over ``timestamp + "." + body``, with a replay window.

A receiver recomputes the signature with the subscription's secret and refuses a timestamp
older (or newer) than the window, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "v1"
REPLAY_WINDOW_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{SCHEME}={mac.hexdigest()}"


def verify(
    secret: str,
    timestamp: int,
    body: bytes,
    given: str,
    now: int,
    window: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """What a receiver does: the signature matches and the timestamp is within the window."""
    if abs(now - timestamp) > window:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)
