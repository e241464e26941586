"""A worker's HTTP probes: the worker serves no API, but an orchestrator must still know whether
it lives and whether it works.

``wuyi serve SERVICE --worker`` starts this server on ``WUYI_PROBE_PORT`` (the image's compose
and Kubernetes settings give 8000) with the paths an API has:

- ``/<service>/health``: liveness. The process's event loop answers; nothing else is asked, so a
  database or broker outage never restarts the worker (it waits them out by itself).
- ``/<service>/ready``: readiness, like the API's: the database answers, and no background part
  of the process reports a problem (``health``: a loop failing again and again, a relay stalled,
  a consumer waiting for its database or not connected to Kafka), plus the worker's own checks
  (the faust worker: its consumer group joined and not rebalancing). 503 names what is wrong.
- ``/<service>/metrics``: the process's metrics in Prometheus text (consumer lag, deliveries),
  so Prometheus can scrape workers directly, as it scrapes the APIs.

The server is the standard library's asyncio server, GET only, one request per connection: it
must stay up when everything else in the process is in trouble, and it carries no user data.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable

from prometheus_client import CONTENT_TYPE_LATEST

from wuyi_core import health, telemetry
from wuyi_core.db.port import AbstractDatabase

log = logging.getLogger(__name__)
Check = Callable[[], dict[str, str]]
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


async def readiness_problems(db: AbstractDatabase | None) -> dict[str, str]:
    """What keeps this process from being ready: ``health``'s reports and the database."""
    problems = health.problems()
    if db is None:
        problems["database"] = "not opened yet"
        return problems
    try:
        if not await db.available():
            problems["database"] = "out of reach"
    except Exception as err:
        problems["database"] = f"{type(err).__name__}: {err}"
    return problems


class ProbeServer:
    """``db`` may be set after the server started (the faust worker opens it later); until
    then the worker is alive but not ready."""

    def __init__(
        self,
        service: str,
        db: AbstractDatabase | None = None,
        *,
        host: str = "0.0.0.0",
        port: int = 8000,
        checks: tuple[Check, ...] = (),
    ) -> None:
        self.service = service
        self.db = db
        self.host = host
        self.port = port
        self.checks = checks
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]  # the real one when 0 was asked
        log.info("worker probes on port %d: /%s/health, /ready, /metrics", self.port, self.service)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def answer(self, method: str, path: str) -> tuple[int, str, bytes]:
        """Status, content type and body for one request."""
        path = path.split("?", 1)[0]
        prefix = f"/{self.service}"
        if method not in ("GET", "HEAD"):
            return 405, "application/json", b'{"error": "GET only"}'
        if path == f"{prefix}/health":
            return 200, "application/json", _json({"service": self.service, "status": "ok"})
        if path == f"{prefix}/ready":
            problems = await readiness_problems(self.db)
            for check in self.checks:
                problems.update(check())
            body = {"service": self.service, "ready": not problems, "problems": problems}
            return (503 if problems else 200), "application/json", _json(body)
        if path == f"{prefix}/metrics":
            return 200, CONTENT_TYPE_LATEST, telemetry.prometheus_text()
        return 404, "application/json", b'{"error": "not found"}'

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)).strip():
                pass  # headers: nothing in them matters here
            parts = request.decode("latin-1").split()
            if len(parts) != 3:
                return
            status, content_type, body = await self.answer(parts[0], parts[1])
            head = (
                f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
                "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode("latin-1") + (b"" if parts[0] == "HEAD" else body))
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except Exception:  # a probe must never take the worker down
            log.exception("worker probe failed")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
