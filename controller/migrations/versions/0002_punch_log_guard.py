"""Punch log: the terminal's monotonic reading and boot, the clock skew seen; append-only guard.

The hash chain makes an edited punch detectable; these SQLite triggers stop the accidental
UPDATE or DELETE (a console, a script) before it breaks the chain. Someone determined can
drop them, which is why the chain exists.

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

GUARDS = (
    "CREATE TRIGGER punches_no_update BEFORE UPDATE ON punches BEGIN "
    "SELECT RAISE(ABORT, 'punches are append-only / 打卡记录只能追加'); END",
    "CREATE TRIGGER punches_no_delete BEFORE DELETE ON punches BEGIN "
    "SELECT RAISE(ABORT, 'punches are append-only / 打卡记录只能追加'); END",
)


def upgrade() -> None:
    with op.batch_alter_table("punches") as batch:
        batch.add_column(sa.Column("monotonic", sa.Float, nullable=True))
        batch.add_column(sa.Column("boot_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("skew_seconds", sa.Float, nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        for statement in GUARDS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS punches_no_update")
        op.execute("DROP TRIGGER IF EXISTS punches_no_delete")
    with op.batch_alter_table("punches") as batch:
        batch.drop_column("skew_seconds")
        batch.drop_column("boot_id")
        batch.drop_column("monotonic")
