"""Bus ports. A bus publishes envelopes and hands them to named consumers, at least once and
in order per aggregate. Checkpoints that must commit with a consumer's effect travel with each
delivery; positions the bus tracks itself (Kafka offsets) are committed after the effect."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

from wuyi_contracts.envelope import Envelope

from wuyi_core.db.port import AbstractDatabase


@dataclass(frozen=True)
class Undecodable:
    """A record on the bus that is not an envelope (bad JSON, missing CloudEvents headers):
    parked as it came, so the consumer goes on and the record can be inspected."""

    where: str  # topic:partition:offset
    raw: str  # headers and value, as text
    error: str

    @property
    def id(self) -> str:
        return f"undecodable:{self.where}"


@dataclass(frozen=True)
class Delivery:
    envelope: Envelope | Undecodable
    checkpoint: tuple[str, int] | None = None  # (name, position) to record with the effect

    @property
    def event_id(self) -> str:
        return self.envelope.id


class AbstractSubscription(ABC):
    """One consumer's view of the bus."""

    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def next_batch(self, timeout: float) -> list[Delivery]:
        """The next deliveries, or an empty list when nothing arrived within ``timeout``."""

    @abstractmethod
    async def commit(self, deliveries: Sequence[Delivery]) -> None:
        """Called once the effects of ``deliveries`` are durable."""

    @abstractmethod
    async def stop(self) -> None: ...

    @abstractmethod
    async def lag(self) -> int:
        """Events published but not yet delivered to this consumer (as far as it knows)."""


class Unpublishable(Exception):
    """The bus refuses this envelope for good (larger than its message size limit). Every
    envelope before ``index`` in the same ``publish`` call was accepted."""

    def __init__(self, index: int, envelope: Envelope, reason: str) -> None:
        super().__init__(f"event {envelope.id} cannot be published: {reason}")
        self.index = index
        self.envelope = envelope
        self.reason = reason


class AbstractPublisher(ABC):
    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def publish(self, envelopes: Sequence[Envelope]) -> None:
        """Returns once every envelope is durably accepted by the bus, in the given order."""

    @abstractmethod
    async def stop(self) -> None: ...


class AbstractBus(ABC):
    @abstractmethod
    def publisher(self) -> AbstractPublisher | None:
        """The publisher a relay feeds; None when the bus reads the logs directly."""

    @abstractmethod
    def subscribe(
        self, consumer: str, services: Sequence[str], db: AbstractDatabase
    ) -> AbstractSubscription: ...
