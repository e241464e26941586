"""Wiring of the notifier service, the one place its parts are put together.

The notifier keeps its own database: a registry replica, what it learned of applications and
reports, inbox items, subscriptions and deliveries. Its event log exists for the kernel's
health and outage handling; deliveries are rows, keyed by (event, recipient, channel), written
in the consumer's transaction with the processed event id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from wuyi_core import registry_replica
from wuyi_core.clock import Clock, SystemClock
from wuyi_core.db.port import AbstractDatabase
from wuyi_core.eventstore import EventStore
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.tracking import DDL as TRACKING_DDL

from wuyi_notifier.adapters.schema import DDL
from wuyi_notifier.settings import NotifierSettings


@dataclass
class Notifier:
    """The notifier's ports, handed to every handler."""

    store: EventStore
    clock: Clock
    settings: NotifierSettings = field(default_factory=NotifierSettings)
    _http: httpx.AsyncClient | None = None

    @property
    def db(self) -> AbstractDatabase:
        return self.store.db

    def http(self) -> httpx.AsyncClient:
        """One client for every outgoing call; made on first use, in the running loop."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


async def build_notifier(
    db: AbstractDatabase,
    clock: Clock | None = None,
    settings: NotifierSettings | None = None,
    keyring: Keyring | None = None,
) -> Notifier:
    clock = clock or SystemClock()
    store = EventStore(db, clock, keyring=keyring)
    await store.migrate()
    await db.migrate([*registry_replica.DDL, *DDL, *TRACKING_DDL])
    return Notifier(store, clock, settings or NotifierSettings())
