"""Accounts: the review's due date kept beside its parts, and the sweep's dates indexed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("password_changed_on", "review_due_on", "password_snooze_on", "withdrawal_notice_until")


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("review_due_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE accounts SET review_due_on = last_review_on + review_interval_days")
    else:
        op.execute("UPDATE accounts SET review_due_on = date(last_review_on, '+' || review_interval_days || ' days')")
    with op.batch_alter_table("accounts") as batch:
        batch.alter_column("review_due_on", existing_type=sa.Date(), nullable=False)
    for column in INDEXED:
        op.create_index(op.f(f"ix_accounts_{column}"), "accounts", [column])


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(op.f(f"ix_accounts_{column}"), table_name="accounts")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("review_due_on")
