"""The audit log searchable by index, and the devices' state changes kept.

``audit/search`` filters the audit log by acting user, window, command and time and pages it
newest first; a year's store holds a million rows, so each filter gets an index ending in
(at, seq), the page's order, and the window a command named becomes a column (it was only in
the command's JSON), filled for the rows already there. ``device_states`` and
``device_changes`` keep what the controller heard of each node and device (``dev/…/state``,
``node/…/status``): the faults' history no longer ends with the console's memory.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

AUDIT_INDEXES = {
    "ix_audit_log_at": ["at", "seq"],
    "ix_audit_log_user_at": ["acting_user", "at", "seq"],
    "ix_audit_log_window_at": ["window", "at", "seq"],
    "ix_audit_log_command_at": ["area", "verb", "at", "seq"],
}


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("window", sa.String(64), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The JSON column is ``json``: ->> reads the field as text (null when absent).
        op.execute("UPDATE audit_log SET \"window\" = command ->> 'window'")
    else:
        op.execute("UPDATE audit_log SET \"window\" = json_extract(command, '$.window')")
    for name, columns in AUDIT_INDEXES.items():
        op.create_index(name, "audit_log", columns)
    op.create_table(
        "device_states",
        sa.Column("node", sa.String(64), primary_key=True),
        sa.Column("device", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "device_changes",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("node", sa.String(64), nullable=False),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("previous", sa.String(32), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("fault", sa.Boolean, nullable=False),
        sa.Column("recovered", sa.Boolean, nullable=False),
    )
    op.create_index("ix_device_changes_at", "device_changes", ["at", "seq"])
    op.create_index("ix_device_changes_node_at", "device_changes", ["node", "device", "at", "seq"])


def downgrade() -> None:
    op.drop_table("device_changes")
    op.drop_table("device_states")
    for name in AUDIT_INDEXES:
        op.drop_index(name, "audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("window")
