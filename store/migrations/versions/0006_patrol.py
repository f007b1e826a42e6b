"""The patrol log (巡查记录, seed 001 巡查制度): findings and their photos.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "patrol_findings",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("finding_id", sa.String(16), nullable=False, unique=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("department", sa.String(32), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index(
        "ix_patrol_findings_month_department", "patrol_findings", ["month", "department"]
    )
    op.create_table(
        "patrol_photos",
        sa.Column(
            "finding_id",
            sa.String(16),
            sa.ForeignKey("patrol_findings.finding_id"),
            primary_key=True,
        ),
        sa.Column("media_type", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("patrol_photos")
    op.drop_index("ix_patrol_findings_month_department", "patrol_findings")
    op.drop_table("patrol_findings")
