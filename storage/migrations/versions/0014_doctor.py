"""`sns-bot doctor`: each scheduled sweep's last run; the one notice per channel the bot cannot post in.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheduler_sweeps",
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("swept_at", UTC_DATETIME, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_scheduler_sweeps")),
    )
    op.create_table(
        "channel_notices",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=False),
        sa.Column("noticed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_channel_notices")),
    )


def downgrade() -> None:
    op.drop_table("channel_notices")
    op.drop_table("scheduler_sweeps")
