"""Views the bot opened: a modal's submission is acted on only when the bot opened that view for that person.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opened_views",
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("view_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("opened_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("external_id", name=op.f("pk_opened_views")),
        sa.UniqueConstraint("view_id", name=op.f("uq_opened_views_view_id")),
    )
    op.create_index(op.f("ix_opened_views_opened_at"), "opened_views", ["opened_at"])
    op.create_index(op.f("ix_processed_views_processed_at"), "processed_views", ["processed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_processed_views_processed_at"), table_name="processed_views")
    op.drop_index(op.f("ix_opened_views_opened_at"), table_name="opened_views")
    op.drop_table("opened_views")
