"""The controller's tables (SQLAlchemy Core). Changes ship as Alembic migrations.

Queue entities are stored as JSON records keyed by kind and key: the engine owns their
shape, the store only keeps the latest version of each and rebuilds the state from them.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

commands = sa.Table(
    "commands",
    metadata,
    sa.Column("command_id", sa.String(80), primary_key=True),
    sa.Column("area", sa.String(32), nullable=False),
    sa.Column("verb", sa.String(32), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reply", sa.JSON, nullable=False),
    sa.Column("sender", sa.String(64), nullable=True),
)
"""One row per applied command: a retried command gets the stored reply and changes nothing.
``sender`` is the node whose topic carried it (empty: the controller's own process); a resend
of the id from another sender is refused, never answered with the first sender's reply."""

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("area", sa.String(32), nullable=False),
    sa.Column("verb", sa.String(32), nullable=False),
    sa.Column("command_id", sa.String(80), nullable=True),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("command", sa.JSON, nullable=False),
    sa.Column("events", sa.JSON, nullable=False),
    sa.Column("sender", sa.String(64), nullable=True),
    sa.Column("acting_user", sa.String(64), nullable=True),
    # 0008: the window the command named, a column so that ``audit/search`` finds it by index.
    sa.Column("window", sa.String(64), nullable=True),
    # 0008: ``audit/search`` pages newest first by (at, seq); each filter has its index
    # ending in (at, seq), so a page is read off the index in order, never sorted (a year's
    # store holds a million rows). seq is in each so PostgreSQL needs no sort either.
    sa.Index("ix_audit_log_at", "at", "seq"),
    sa.Index("ix_audit_log_user_at", "acting_user", "at", "seq"),
    sa.Index("ix_audit_log_window_at", "window", "at", "seq"),
    sa.Index("ix_audit_log_command_at", "area", "verb", "at", "seq"),
)
"""Every command applied or refused, and every tick that changed something: ``sender`` is the
node whose topic carried the command (the broker's user), empty for ticks and for commands
from the controller's own process; ``acting_user`` the console user it was given as."""

queue_records = sa.Table(
    "queue_records",
    metadata,
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(80), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

notices = sa.Table(
    "notices",
    metadata,
    sa.Column("notice_id", sa.String(40), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

calendar_overrides = sa.Table(
    "calendar_overrides",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
)

punches = sa.Table(
    "punches",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("punch_id", sa.String(80), nullable=False, unique=True),
    sa.Column("staff_id", sa.String(32), nullable=False, index=True),
    sa.Column("time", sa.DateTime(timezone=True), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("device", sa.String(64), nullable=False),
    sa.Column("clock_synced", sa.Boolean, nullable=False),
    sa.Column("flags", sa.JSON, nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # 0002: the terminal's monotonic reading and boot, and how far its clock was from ours.
    sa.Column("monotonic", sa.Float, nullable=True),
    sa.Column("boot_id", sa.String(64), nullable=True),
    sa.Column("skew_seconds", sa.Float, nullable=True),
)
"""Append-only and hash-chained: evidence in staff assessments (DESIGN.md, State). Only the
controller appends; an edit made with other tools shows in ``hall attendance verify-log``."""

writeoffs = sa.Table(
    "writeoffs",
    metadata,
    sa.Column("request_id", sa.String(40), primary_key=True),
    sa.Column("staff_id", sa.String(32), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_name", sa.String(32), primary_key=True),
    sa.Column("display_name", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("department", sa.String(32), nullable=True),
    sa.Column("staff_id", sa.String(32), nullable=True, unique=True),
    sa.Column("windows", sa.JSON, nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("pin_hash", sa.String(255), nullable=True),
    sa.Column("disabled", sa.Boolean, nullable=False),
    sa.Column("failed_attempts", sa.Integer, nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
"""Console users (``controller/users.py``): Argon2id hashes of password and keypad PIN, never
the secrets; failed sign-ins and the lockout they caused."""

patrol_findings = sa.Table(
    "patrol_findings",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("finding_id", sa.String(16), nullable=False, unique=True),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("department", sa.String(32), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_patrol_findings_month_department", "month", "department"),
)
"""The patrol log (巡查记录, ``controller/patrol.py``): one row per finding, ``data`` the
``PatrolFinding``; ``month`` (the hall's ``YYYY-MM``) and ``department`` are what the month's
list and the chief's look-up read, so a query reads one month, not the whole log."""

patrol_photos = sa.Table(
    "patrol_photos",
    metadata,
    sa.Column(
        "finding_id",
        sa.String(16),
        sa.ForeignKey("patrol_findings.finding_id"),
        primary_key=True,
    ),
    sa.Column("media_type", sa.String(16), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
"""A finding's photo (at most 24 KiB), in the hall's own store, apart from the log so that the
month's list never reads them."""
suspensions = sa.Table(
    "suspensions",
    metadata,
    sa.Column("suspension_id", sa.String(40), primary_key=True),
    sa.Column("department", sa.String(32), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
"""业务临时停办登记备案 (Q10): each filing, its decision and its notice
(``hallqueue/suspensions.py``)."""
device_states = sa.Table(
    "device_states",
    metadata,
    sa.Column("node", sa.String(64), primary_key=True),
    sa.Column("device", sa.String(64), primary_key=True),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("detail", sa.String(500), nullable=False),
    sa.Column("since", sa.DateTime(timezone=True), nullable=True),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
)
"""The state each node (``device`` empty) and device was last heard in (``controller/devices.py``):
what a change is compared with, across controller restarts."""

device_changes = sa.Table(
    "device_changes",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("node", sa.String(64), nullable=False),
    sa.Column("device", sa.String(64), nullable=False),
    sa.Column("state", sa.String(32), nullable=False),
    sa.Column("previous", sa.String(32), nullable=True),
    sa.Column("detail", sa.String(500), nullable=False),
    sa.Column("fault", sa.Boolean, nullable=False),
    sa.Column("recovered", sa.Boolean, nullable=False),
    # ``devices/history`` reads newest first, the whole hall or one node's devices.
    sa.Index("ix_device_changes_at", "at", "seq"),
    sa.Index("ix_device_changes_node_at", "node", "device", "at", "seq"),
)
"""Append-only: every state change of a node or device (a fault, a recovery), kept so the
faults' history survives the console's and the controller's restarts."""
