"""Modal submissions already acted on, by view id.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "processed_views",
        sa.Column("view_id", sa.String(length=64), nullable=False),
        sa.Column("callback_id", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("processed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("view_id", name=op.f("pk_processed_views")),
    )


def downgrade() -> None:
    op.drop_table("processed_views")
