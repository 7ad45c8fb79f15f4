"""Drafts for /sns-draft: versions, peer checks, 決裁 requests and absences.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index(op.f("ix_absences_user_id"), "absences", ["user_id"])

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=True),
        sa.Column("department_name", sa.String(length=80), nullable=True),
        sa.Column("account", sa.String(length=200), nullable=True),
        sa.Column("account_key", sa.String(length=200), nullable=False),
        sa.Column("chosen_approvers", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("submitted_at", UTC_DATETIME, nullable=False),
        sa.Column("scheduled_at", UTC_DATETIME, nullable=True),
        sa.Column("reminded_at", UTC_DATETIME, nullable=True),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("published_at", UTC_DATETIME, nullable=True),
        sa.Column("published_url", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
    )
    op.create_index(op.f("ix_drafts_account_key"), "drafts", ["account_key"])
    op.create_index(op.f("ix_drafts_author_id"), "drafts", ["author_id"])
    op.create_index(op.f("ix_drafts_status_scheduled_at"), "drafts", ["status", "scheduled_at"])

    op.create_table(
        "draft_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_at", UTC_DATETIME, nullable=True),
        sa.Column("deputy", sa.Boolean(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_draft_requests_draft_id_drafts")),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_draft_requests_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_requests")),
        sa.UniqueConstraint(
            "draft_id",
            "version",
            "step",
            "role",
            "user_id",
            name=op.f("uq_draft_requests_draft_id_version_step_role_user_id"),
        ),
    )
    op.create_index(op.f("ix_draft_requests_user_id"), "draft_requests", ["user_id"])

    op.create_table(
        "draft_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("corrects_url", sa.Text(), nullable=True),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("submitted_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["draft_id"], ["drafts.id"], name=op.f("fk_draft_versions_draft_id_drafts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_versions")),
        sa.UniqueConstraint("draft_id", "version", name=op.f("uq_draft_versions_draft_id_version")),
    )


def downgrade() -> None:
    op.drop_table("draft_versions")
    op.drop_table("draft_requests")
    op.drop_table("drafts")
    op.drop_table("absences")
