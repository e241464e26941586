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
class Delivery:
    envelope: Envelope
    checkpoint: tuple[str, int] | None = None  # (name, position) to record with the effect


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
