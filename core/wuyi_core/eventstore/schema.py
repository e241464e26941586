"""DDL of the event store. The tables are the same on both engines; the append-only guard is a
trigger in each engine's own dialect, so even a hand-written UPDATE or DELETE is refused.

``transaction_id`` orders followers by commit on PostgreSQL (store.py): it defaults there to the
appending transaction's ``pg_current_xact_id()``, and to 0 on SQLite, whose single writer keeps
positions in commit order. Positions come from ``events_position_seq`` on PostgreSQL."""

from __future__ import annotations

from wuyi_core.db.port import Dialect

TABLES = [
    """CREATE TABLE IF NOT EXISTS events (
        position BIGINT PRIMARY KEY,
        tenant TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        stream_version BIGINT NOT NULL,
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        private TEXT,
        metadata TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        key_id TEXT NOT NULL DEFAULT '',
        transaction_id BIGINT NOT NULL DEFAULT 0,
        UNIQUE (stream_id, stream_version)
    )""",
    "CREATE INDEX IF NOT EXISTS events_by_tenant ON events (tenant, position)",
    """CREATE TABLE IF NOT EXISTS stream_keys (
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        PRIMARY KEY (tenant, key)
    )""",
]

_GUARDS: dict[Dialect, list[str]] = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
           BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
           BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    ],
    "postgres": [
        """CREATE OR REPLACE FUNCTION wuyi_events_append_only() RETURNS trigger
           LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION 'events are append-only'; END $fn$""",
        """CREATE OR REPLACE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
           FOR EACH ROW EXECUTE FUNCTION wuyi_events_append_only()""",
        """CREATE OR REPLACE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
           FOR EACH STATEMENT EXECUTE FUNCTION wuyi_events_append_only()""",
    ],
}

# Run after the columns are in place (``EventStore.migrate``): a store written before commit
# ordering gets ``transaction_id`` 0 on every existing event (they were appended one at a time
# under the old lock, so their positions are already in commit order and sort first), and its
# sequence starts after the highest position, so positions are kept.
ADD_TRANSACTION_ID = "ALTER TABLE events ADD COLUMN transaction_id BIGINT NOT NULL DEFAULT 0"
_ORDERING: dict[Dialect, list[str]] = {
    "sqlite": [],
    "postgres": [
        "CREATE SEQUENCE IF NOT EXISTS events_position_seq",
        "ALTER TABLE events ALTER COLUMN transaction_id "
        "SET DEFAULT (pg_current_xact_id()::text::bigint)",
        """SELECT setval('events_position_seq', m)
           FROM (SELECT MAX(position) AS m FROM events) AS head
           WHERE m IS NOT NULL AND m >= (
               SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END
               FROM events_position_seq)""",
    ],
}
ORDERING_INDEX = "CREATE INDEX IF NOT EXISTS events_by_commit ON events (transaction_id, position)"


def ordering(dialect: Dialect) -> list[str]:
    return [*_ORDERING[dialect], ORDERING_INDEX]


# Stores written before keyed chains lack ``key_id``; their events keep "" (legacy sha256).
ADD_KEY_ID = "ALTER TABLE events ADD COLUMN key_id TEXT NOT NULL DEFAULT ''"
_COLUMNS_OF_EVENTS: dict[Dialect, str] = {
    "sqlite": "SELECT name FROM pragma_table_info('events')",
    "postgres": "SELECT column_name AS name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND table_name = 'events'",
}


def ddl(dialect: Dialect) -> list[str]:
    return [*TABLES, *_GUARDS[dialect]]


def columns_of_events(dialect: Dialect) -> str:
    return _COLUMNS_OF_EVENTS[dialect]
