"""The notifier's own tables (its database only; it never reads another service's).

- ``applications``: what the notifier knows of each application (entity, township, campaign),
  from scoring's ``ApplicationOpened``, so later events of the application find their entity.
- ``grid_reports_seen``: grids and days reported, so an escalation is not sent once the report
  has come in.
- ``inbox_items`` / ``inbox_reads``: in-app messages to a mailbox (a role at an entity or grid,
  or the public), and who of that mailbox has read each.
- ``subscriptions``: channel, target (a contact: stays here), event types, scope, secret.
- ``deliveries``: one row per (event, recipient, channel), the unit of exactly-once; its status
  moves pending → delivered or dead. ``delivery_attempts`` records every attempt.
- ``escalations``: a grid's miss waiting out its grace period before the parent leader is told.
- ``campaigns`` / ``batches`` / ``tenant_zones``: phase deadlines, batch closings and quotas,
  and the tenant's time zone, for the county's reminders; ``reminders`` keeps each reminder
  sent, by its key, so it is sent once.
- ``tenant_deadlines``: the report deadlines per grid level, as reporting published them, and
  ``tenant_settings``: the notifier's own per-tenant settings (minutes before a deadline the
  "report due" reminder goes out), set by the county admin.
"""

from __future__ import annotations

from wuyi_core import tenant_zones

DDL = [
    """CREATE TABLE IF NOT EXISTS applications (
        application_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, entity_id TEXT NOT NULL,
        entity_name TEXT NOT NULL, township_id TEXT, campaign_id TEXT NOT NULL,
        batch_id TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS grid_reports_seen (
        grid_id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (grid_id, day))""",
    """CREATE TABLE IF NOT EXISTS inbox_items (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL, scope_id TEXT NOT NULL,
        event_id TEXT NOT NULL, event_type TEXT NOT NULL, title_zh TEXT NOT NULL,
        title_en TEXT NOT NULL, body_zh TEXT NOT NULL, body_en TEXT NOT NULL,
        link TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (event_id, role, scope_id))""",
    "CREATE INDEX IF NOT EXISTS inbox_items_by_box ON inbox_items (tenant, role, scope_id)",
    """CREATE TABLE IF NOT EXISTS inbox_reads (
        item_id TEXT NOT NULL, sub TEXT NOT NULL, read_at TEXT NOT NULL,
        PRIMARY KEY (item_id, sub))""",
    """CREATE TABLE IF NOT EXISTS subscriptions (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL,
        event_types TEXT NOT NULL, scope_id TEXT, secret TEXT NOT NULL,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL, active INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS deliveries (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, event_id TEXT NOT NULL,
        event_type TEXT NOT NULL, recipient TEXT NOT NULL, channel TEXT NOT NULL,
        subscription_id TEXT, status TEXT NOT NULL, attempts INTEGER NOT NULL,
        next_at TEXT NOT NULL, created_at TEXT NOT NULL, first_attempt_at TEXT,
        delivered_at TEXT, last_error TEXT, envelope TEXT NOT NULL, message TEXT,
        UNIQUE (event_id, recipient, channel))""",
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at)",
    """CREATE TABLE IF NOT EXISTS delivery_attempts (
        delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL,
        status TEXT NOT NULL, latency_ms INTEGER NOT NULL, error TEXT,
        PRIMARY KEY (delivery_id, attempt))""",
    """CREATE TABLE IF NOT EXISTS escalations (
        event_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, grid_id TEXT NOT NULL,
        parent_grid_id TEXT NOT NULL, day TEXT NOT NULL, due_at TEXT NOT NULL,
        envelope TEXT NOT NULL, done INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS campaigns (
        campaign_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, title TEXT NOT NULL,
        phases TEXT NOT NULL, per_township INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS batches (
        batch_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, campaign_id TEXT NOT NULL,
        name TEXT NOT NULL, closes_on TEXT NOT NULL)""",
    *tenant_zones.DDL,
    """CREATE TABLE IF NOT EXISTS reminders (
        key TEXT PRIMARY KEY, tenant TEXT NOT NULL, sent_at TEXT NOT NULL)""",
    # apart from tenant_zones: tables made before cannot gain columns portably
    """CREATE TABLE IF NOT EXISTS tenant_deadlines (
        tenant TEXT PRIMARY KEY, level3_deadline TEXT NOT NULL, level2_deadline TEXT NOT NULL,
        version BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tenant_settings (
        tenant TEXT PRIMARY KEY, report_due_minutes INTEGER NOT NULL, updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
]
