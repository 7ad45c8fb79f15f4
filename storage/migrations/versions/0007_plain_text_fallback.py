"""Outbox: what a message is about and Slack's refusal of its payload; the one notice per subject.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("subject", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("refused_with", sa.String(length=64), nullable=True))
    op.create_table(
        "plain_text_notices",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("noticed_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_plain_text_notices_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_plain_text_notices")),
    )


def downgrade() -> None:
    op.drop_table("plain_text_notices")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("refused_with")
        batch.drop_column("subject")
