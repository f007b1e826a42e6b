"""Punch log: the terminal's monotonic reading and boot, and the clock skew seen on arrival.

Kept with each punch (and covered by its hash) so that a doubtful punch time can be checked
later against the terminal's monotonic clock.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("punches") as batch:
        batch.add_column(sa.Column("monotonic", sa.Float, nullable=True))
        batch.add_column(sa.Column("boot_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("skew_seconds", sa.Float, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("punches") as batch:
        batch.drop_column("skew_seconds")
        batch.drop_column("boot_id")
        batch.drop_column("monotonic")
