"""The audit log names the console user a command was given as (``acting_user``).

The console sends every command as its signed-in user; the controller checks that user's
role, department and windows and keeps the name beside the sender (``console``), so the
log says who paused window 3 at 10:02, not only that the console did.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("acting_user", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("acting_user")
