"""Slack names: the IDs that app.yaml's e-mail addresses and #channel names last resolved to; the audit
log keeps an actor's address.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_names",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("slack_id", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("kind", "name", name=op.f("pk_slack_names")),
    )
    op.add_column("audit_log", sa.Column("actor_email", sa.String(length=254), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_log", "actor_email")
    op.drop_table("slack_names")
