"""Initial schema: commands, audit log, queue records, notices, calendar, punches, write-offs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "commands",
        sa.Column("command_id", sa.String(80), primary_key=True),
        sa.Column("area", sa.String(32), nullable=False),
        sa.Column("verb", sa.String(32), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("reply", sa.JSON, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("area", sa.String(32), nullable=False),
        sa.Column("verb", sa.String(32), nullable=False),
        sa.Column("command_id", sa.String(80), nullable=True),
        sa.Column("ok", sa.Boolean, nullable=False),
        sa.Column("command", sa.JSON, nullable=False),
        sa.Column("events", sa.JSON, nullable=False),
    )
    op.create_table(
        "queue_records",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "notices",
        sa.Column("notice_id", sa.String(40), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
    )
    op.create_table(
        "calendar_overrides",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("set_at", TZ, nullable=False),
    )
    op.create_table(
        "punches",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("punch_id", sa.String(80), nullable=False, unique=True),
        sa.Column("staff_id", sa.String(32), nullable=False, index=True),
        sa.Column("time", TZ, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("clock_synced", sa.Boolean, nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "writeoffs",
        sa.Column("request_id", sa.String(40), primary_key=True),
        sa.Column("staff_id", sa.String(32), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )


def downgrade() -> None:
    for table in ("writeoffs", "punches", "calendar_overrides", "notices", "queue_records",
                  "audit_log", "commands"):
        op.drop_table(table)
