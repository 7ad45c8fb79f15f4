"""Accounts for /sns-account: usage applications, the register, reminders sent; audit log by time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("emergency", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("review_interval_days", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        sa.Column("department_name", sa.String(length=80), nullable=False),
        sa.Column("filled_by", sa.String(length=32), nullable=False),
        sa.Column("filled_by_name", sa.String(length=120), nullable=False),
        sa.Column("head_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("submitted_at", UTC_DATETIME, nullable=True),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("head_message_id", sa.Integer(), nullable=True),
        sa.Column("office_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["head_message_id"], ["outbox.id"], name=op.f("fk_account_applications_head_message_id_outbox")
        ),
        sa.ForeignKeyConstraint(
            ["office_message_id"], ["outbox.id"], name=op.f("fk_account_applications_office_message_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_applications")),
    )
    op.create_index(op.f("ix_account_applications_status"), "account_applications", ["status"])

    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", UTC_DATETIME, nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_reminders_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("kind", "subject", "due_on", name=op.f("uq_reminders_kind_subject_due_on")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=False),
        sa.Column("department_name", sa.String(length=80), nullable=False),
        sa.Column("managers", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("public_policy_url", sa.Text(), nullable=True),
        sa.Column("send_only", sa.Boolean(), nullable=False),
        sa.Column("links_to_site", sa.Boolean(), nullable=False),
        sa.Column("linked_from_site", sa.Boolean(), nullable=False),
        sa.Column("password_changed_on", sa.Date(), nullable=False),
        sa.Column("password_snooze_on", sa.Date(), nullable=True),
        sa.Column("review_interval_days", sa.Integer(), nullable=False),
        sa.Column("last_review_on", sa.Date(), nullable=False),
        sa.Column("registered_at", UTC_DATETIME, nullable=False),
        sa.Column("registered_by", sa.String(length=120), nullable=False),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.Column("withdrawal_notice_until", sa.Date(), nullable=True),
        sa.Column("announced_in_account", sa.Boolean(), nullable=False),
        sa.Column("announced_on_site", sa.Boolean(), nullable=False),
        sa.Column("deleted_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["account_applications.id"],
            name=op.f("fk_accounts_application_id_account_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("url", name=op.f("uq_accounts_url")),
    )
    op.create_index(op.f("ix_accounts_state"), "accounts", ["state"])

    op.create_index(op.f("ix_audit_log_occurred_at"), "audit_log", ["occurred_at"])


def downgrade() -> None:
    op.drop_table("accounts")
    op.drop_table("reminders")
    op.drop_table("account_applications")
