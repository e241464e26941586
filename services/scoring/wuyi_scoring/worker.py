"""The scoring worker, the same in both modes: its registry replica and the delisting policy
consume the bus (embedded log or Kafka topics), and a sweep delists titles whose rectification
deadline passed. Consumers record processed events in their effect's transaction, so replicas
of the worker and redeliveries are safe."""

from __future__ import annotations

from functools import partial

from wuyi_core.bus.port import AbstractBus
from wuyi_core.consumer import ConsumerRunner
from wuyi_core.loops import Loop, every, named
from wuyi_core.registry_replica import replica_consumer

from wuyi_scoring.application.management import sweep_overdue
from wuyi_scoring.application.policy import delisting_policy
from wuyi_scoring.bootstrap import Scoring

REPLICA = "scoring.registry-replica"
POLICY = "scoring.delisting-policy"


def consumers(scoring: Scoring, bus: AbstractBus | None) -> list[ConsumerRunner]:
    """The registry replica and the delisting policy; without a bus, driven from outside
    (dead-letter commands)."""
    db = scoring.store.db
    return [
        replica_consumer(REPLICA, db, bus, scoring.clock),
        ConsumerRunner(
            POLICY,
            db,
            bus.subscribe(POLICY, ["reporting"], db) if bus else None,
            delisting_policy(scoring),
            clock=scoring.clock,
            after_commit=scoring.catch_up_if_appended,
        ),
    ]


def worker_loops(scoring: Scoring, bus: AbstractBus) -> list[Loop]:
    loops: list[Loop] = [named(r.name, r.run) for r in consumers(scoring, bus)]
    return [*loops, rectification_loop(scoring)]


def rectification_loop(scoring: Scoring, seconds: float = 60.0) -> Loop:
    return every("scoring.rectification", seconds, partial(sweep_overdue, scoring))
