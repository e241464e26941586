"""Pseudonymous actors on public topics.

A service's own log records who acted (the token's ``sub``, often a person's name or phone) for
its audit trail. The Kafka topics are a public copy that external systems subscribe to, so the
publisher replaces a person with a pseudonym: ``u-`` and 20 hex digits of an HMAC-SHA256 over
tenant and actor. Being keyed, a subscriber cannot test guesses (a phone number has few enough
possibilities to try them all against a plain hash); being deterministic, the same person keeps
the same pseudonym on every topic, so subscribers can still tell "the same reviewer".

The key is derived from the deployment's JWT secret (``WUYI_JWT_SECRET``), which every service
of a deployment shares; a bus built without one draws a random key, so a forgotten setting can
make pseudonyms change between processes but never publishes a name. Actors that are not
persons (``system:…``, ``public``) pass unchanged. The service's own audit endpoints, which are
scoped, keep showing names; ``wuyi pseudonym`` is not offered: mapping back is a lookup in the
service's own log, by people who may read it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from wuyi_contracts.envelope import Envelope

PREFIX = "u-"
NOT_PERSONS = ("system:", "public")


class Pseudonyms:
    def __init__(self, secret: str | None = None) -> None:
        base = secret.encode() if secret else secrets.token_bytes(32)
        self._key = hmac.new(base, b"wuyi actor pseudonyms v1", hashlib.sha256).digest()

    def of(self, tenant: str, actor: str) -> str:
        if not actor or actor.startswith(NOT_PERSONS):
            return actor
        mac = hmac.new(self._key, f"{tenant}\x00{actor}".encode(), hashlib.sha256)
        return PREFIX + mac.hexdigest()[:20]

    def envelope(self, envelope: Envelope) -> Envelope:
        """``envelope`` as it may leave the service: its actor a pseudonym."""
        if envelope.actor is None:
            return envelope
        return envelope.model_copy(update={"actor": self.of(envelope.tenant, envelope.actor)})
