"""The signed webhook channel (签名回调): a structured CloudEvent, POSTed.

Headers: ``Idempotency-Key`` (the same on every attempt of one delivery, so a receiver settles
a retry after a crash between its answer and our record), ``X-Wuyi-Timestamp`` (Unix seconds)
and ``X-Wuyi-Signature`` (``v1=`` HMAC-SHA256 of ``timestamp + "." + body``); ``traceparent``
(W3C) when the call is traced, so a receiver can continue the trace.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import httpx
from wuyi_contracts.envelope import SPEC_VERSION, Envelope
from wuyi_core import telemetry

from wuyi_notifier.domain.signing import signature

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    latency_ms: int
    error: str | None = None
    final: bool = False  # the receiver said retrying cannot help: give up now


def cloudevent(envelope: Envelope) -> bytes:
    """The CloudEvents 1.0 structured form of the envelope (public data only)."""
    attrs = envelope.model_dump(mode="json", exclude_none=True)
    body = {"specversion": SPEC_VERSION, "datacontenttype": "application/json", **attrs}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


async def post(
    http: httpx.AsyncClient,
    url: str,
    secret: str,
    envelope: Envelope,
    idempotency_key: str,
    timestamp: int,
    timeout: float,
) -> Outcome:
    body = cloudevent(envelope)
    headers = {
        "Content-Type": CONTENT_TYPE,
        "Idempotency-Key": idempotency_key,
        "X-Wuyi-Timestamp": str(timestamp),
        "X-Wuyi-Signature": signature(secret, timestamp, body),
        "X-Wuyi-Event-Type": envelope.type,
    }
    parent = telemetry.traceparent()
    if parent:
        headers["traceparent"] = parent
    started = time.perf_counter()
    try:
        response = await http.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as err:
        return Outcome(False, _ms(started), f"{type(err).__name__}: {err}"[:500])
    if 200 <= response.status_code < 300:
        return Outcome(True, _ms(started))
    return Outcome(False, _ms(started), f"HTTP {response.status_code}: {response.text[:200]}")


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
