"""Commands and the audit log name their sender: the node whose topic carried the command.

The controller takes the sender from the topic (``cmd/<node>/<area>/<verb>``), which only
that node's broker user may write; the audit log keeps it with every command, refused ones
too, and a stored reply is given only to the sender that sent the id first.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commands") as batch:
        batch.add_column(sa.Column("sender", sa.String(64), nullable=True))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("sender", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("sender")
    with op.batch_alter_table("commands") as batch:
        batch.drop_column("sender")
