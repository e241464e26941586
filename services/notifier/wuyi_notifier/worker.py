"""The notifier worker, the same in both modes: its registry replica and its policy consume the
bus (embedded log or Kafka topics), the sender sends pending deliveries, and a sweep escalates
misses whose grace period passed. Consumers record processed events in their effect's
transaction and the sender claims under a lock, so replicas of the worker are safe."""

from __future__ import annotations

from functools import partial

from wuyi_contracts.envelope import Envelope
from wuyi_core.bus.port import AbstractBus
from wuyi_core.consumer import ConsumerRunner, Handler
from wuyi_core.db.port import AbstractConnection
from wuyi_core.loops import Loop, every, named
from wuyi_core.registry_replica import replica_consumer

from wuyi_notifier.adapters import deliveries
from wuyi_notifier.application.dispatch import notify
from wuyi_notifier.application.escalation import sweep_escalations
from wuyi_notifier.application.reminders import sweep_reminders
from wuyi_notifier.application.report_due import sweep_report_due
from wuyi_notifier.application.sending import DEAD_LETTERS, send_due
from wuyi_notifier.bootstrap import Notifier

REPLICA = "notifier.registry-replica"
POLICY = "notifier.policy"


def consumers(notifier: Notifier, bus: AbstractBus | None) -> list[ConsumerRunner]:
    """The registry replica, the policy, and the parked deliveries (replay re-queues them);
    without a bus, driven from outside (dead-letter commands)."""
    db = notifier.db
    return [
        replica_consumer(REPLICA, db, bus, notifier.clock),
        ConsumerRunner(
            POLICY,
            db,
            bus.subscribe(POLICY, ["reporting", "scoring"], db) if bus else None,
            notify(notifier),
            clock=notifier.clock,
        ),
        ConsumerRunner(DEAD_LETTERS, db, None, _requeue(notifier), clock=notifier.clock),
    ]


def _requeue(notifier: Notifier) -> Handler:
    async def requeue(envelope: Envelope, conn: AbstractConnection) -> None:
        await deliveries.requeue_dead(conn, envelope.id, notifier.clock.now())

    return requeue


def worker_loops(notifier: Notifier, bus: AbstractBus, seconds: float = 1.0) -> list[Loop]:
    runners = [r for r in consumers(notifier, bus) if r.subscription is not None]
    return [
        *(named(r.name, r.run) for r in runners),
        every("notifier.sender", seconds, partial(send_due, notifier)),
        every("notifier.escalations", 30.0, partial(sweep_escalations, notifier)),
        every("notifier.reminders", 300.0, partial(sweep_reminders, notifier)),
        every("notifier.report-due", 60.0, partial(sweep_report_due, notifier)),
    ]
