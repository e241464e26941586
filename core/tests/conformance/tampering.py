"""An attacker with write access to the database but not to the audit keys: the mutations the
tamper tests apply, each straight to the events table with the append-only guard disabled."""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import replace

from wuyi_core.db.port import AbstractConnection
from wuyi_core.eventstore.checkpoints import Checkpoint, Checkpointer
from wuyi_core.eventstore.keyring import Keyring
from wuyi_core.eventstore.records import GENESIS_HASH, StoredEvent, canonical_json, new_id
from wuyi_core.eventstore.store import _COLUMNS, _row, read_log

# Guesses under the ids of the real keys: the ids are public, the secrets are not.
WRONG_KEYS = Keyring(
    {f"k{n}": f"an-attacker-guess-at-audit-key-{n}-0000".encode() for n in (1, 2)}, "k1"
)
_VALUES = ", ".join(f"${n}" for n in range(1, 14))
KINDS = ("edit", "rehash_sha256", "rehash_wrong_key", "delete_tail", "reorder", "insert")


async def checkpoint_all(checkpointer: Checkpointer) -> Checkpoint:
    """Checkpoint until the checkpoint covers the whole log: on PostgreSQL a follower (the
    checkpointer too) reads only below the oldest transaction still running in the cluster, which
    another test's open transaction can hold back for a moment."""
    store, log = checkpointer.store, checkpointer.log
    last = (await store.read_log(0, 100_000))[-1]
    while True:
        await checkpointer.checkpoint()
        checkpoint = await log.latest()
        if checkpoint is not None and checkpoint.position == last.position:
            return checkpoint
        await asyncio.sleep(0.01)


async def unguard(conn: AbstractConnection, dialect: str) -> None:
    """Drop the append-only guard the way an attacker with database access would."""
    if dialect == "sqlite":
        await conn.execute("DROP TRIGGER IF EXISTS events_no_update")
        await conn.execute("DROP TRIGGER IF EXISTS events_no_delete")
    else:
        await conn.execute("ALTER TABLE events DISABLE TRIGGER events_append_only")


async def mutate(
    conn: AbstractConnection,
    kind: str,
    rng: random.Random,
    events: list[StoredEvent] | None = None,
) -> int:
    """Apply one random mutation of ``kind`` to the log (``events``, if already read); returns
    the position verify must name."""
    events = events or await read_log(conn, 0, 100_000)
    return await _MUTATIONS[kind](conn, events, rng)


async def _edit(conn: AbstractConnection, events: list[StoredEvent], rng: random.Random) -> int:
    event = rng.choice(events)
    await conn.execute(
        "UPDATE events SET data = $1 WHERE position = $2", _altered(event, rng), event.position
    )
    return event.position


async def _rehash(
    conn: AbstractConnection, events: list[StoredEvent], rng: random.Random, key_id: str
) -> int:
    """Edit one event, then re-hash its stream from there on: as legacy SHA-256 (key id "") or
    under a guessed key with the right key id."""
    target = rng.choice(events)
    stream = [e for e in events if e.stream_id == target.stream_id]
    prev = next((e.hash for e in stream if e.stream_version == target.stream_version - 1), None)
    prev_hash = prev or GENESIS_HASH
    rows = []
    for event in stream[target.stream_version - 1 :]:
        data = json.loads(_altered(event, rng)) if event is target else event.data
        forged = replace(event, data=data, prev_hash=prev_hash, key_id=key_id)
        prev_hash = forged.content_hash(WRONG_KEYS)
        rows.append((canonical_json(data), forged.prev_hash, prev_hash, key_id, event.position))
    await conn.executemany(
        "UPDATE events SET data = $1, prev_hash = $2, hash = $3, key_id = $4 WHERE position = $5",
        rows,
    )
    return target.position


async def _delete_tail(
    conn: AbstractConnection, events: list[StoredEvent], rng: random.Random
) -> int:
    stream_id = rng.choice(events).stream_id
    last = [e for e in events if e.stream_id == stream_id][-1]
    await conn.execute("DELETE FROM events WHERE position = $1", last.position)
    return last.position


async def _reorder(conn: AbstractConnection, events: list[StoredEvent], rng: random.Random) -> int:
    first, second = sorted(rng.sample([e.position for e in events], 2))
    await conn.execute("UPDATE events SET position = -1 WHERE position = $1", first)
    await conn.execute("UPDATE events SET position = $1 WHERE position = $2", first, second)
    await conn.execute("UPDATE events SET position = $1 WHERE position = -1", second)
    return first


async def _insert(conn: AbstractConnection, events: list[StoredEvent], rng: random.Random) -> int:
    """A forged event continuing a stream (next version, linked to its last hash), at the log's
    end or in the middle with the later positions shifted up; hashed under a guessed key, or
    carrying a genuine event's hash."""
    head = events[-1].position
    position = rng.choice([head + 1, rng.randint(1, head)])
    if position <= head:
        await conn.execute("UPDATE events SET position = -position WHERE position >= $1", position)
        await conn.execute("UPDATE events SET position = 1 - position WHERE position < 0")
    model = rng.choice(events)
    tip = [e for e in events if e.stream_id == model.stream_id][-1]
    forged = replace(
        model,
        position=position,
        event_id=new_id(),
        stream_version=tip.stream_version + 1,
        prev_hash=tip.hash,
        data=json.loads(_altered(model, rng)),
    )
    if rng.random() < 0.5:
        forged = replace(forged, hash=forged.content_hash(WRONG_KEYS))
    await conn.execute(f"INSERT INTO events ({_COLUMNS}) VALUES ({_VALUES})", *_row(forged))
    return position


def _altered(event: StoredEvent, rng: random.Random) -> str:
    data = dict(event.data)
    data["name"] = f"{data.get('name', '')}~{rng.getrandbits(32):08x}"
    return canonical_json(data)


_MUTATIONS = {
    "edit": _edit,
    "rehash_sha256": lambda conn, events, rng: _rehash(conn, events, rng, ""),
    "rehash_wrong_key": lambda conn, events, rng: _rehash(conn, events, rng, "k1"),
    "delete_tail": _delete_tail,
    "reorder": _reorder,
    "insert": _insert,
}
