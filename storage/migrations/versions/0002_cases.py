"""Cases reported with /sns-report: URLs, reporters, copies, checklist, numbering.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_case_counters")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("capacity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=True),
        sa.Column("discovered_at", UTC_DATETIME, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("department_id", sa.String(length=64), nullable=True),
        sa.Column("department_name", sa.String(length=80), nullable=True),
        sa.Column("reporter_id", sa.String(length=32), nullable=False),
        sa.Column("reporter_name", sa.String(length=120), nullable=False),
        sa.Column("reporter_count", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", UTC_DATETIME, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=120), nullable=True),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.Column("resolved_by", sa.String(length=120), nullable=True),
        sa.Column("resolution_reason", sa.String(length=32), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("escalate_at", UTC_DATETIME, nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("copies_refreshed_at", UTC_DATETIME, nullable=True),
        sa.Column("copies_stale", sa.Boolean(), nullable=False),
        sa.Column("officer_notified_at", UTC_DATETIME, nullable=True),
        sa.Column("officer_notified_by", sa.String(length=120), nullable=True),
        sa.Column("committee_reported_at", UTC_DATETIME, nullable=True),
        sa.Column("committee_reported_by", sa.String(length=120), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    op.create_index(op.f("ix_cases_copies_stale"), "cases", ["copies_stale"])
    op.create_index(op.f("ix_cases_escalation_level_escalate_at"), "cases", ["escalation_level", "escalate_at"])
    op.create_index(op.f("ix_cases_status"), "cases", ["status"])

    op.create_table(
        "case_checklist",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("done_at", UTC_DATETIME, nullable=False),
        sa.Column("done_by", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_checklist_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", "item", name=op.f("pk_case_checklist")),
    )
    op.create_table(
        "case_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_copies_case_id_cases")),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], name=op.f("fk_case_copies_outbox_id_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_copies")),
    )
    op.create_table(
        "case_reporters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("reported_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_reporters_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reporters")),
        sa.UniqueConstraint("case_id", "user_id", name=op.f("uq_case_reporters_case_id_user_id")),
    )
    op.create_index(op.f("ix_case_reporters_user_id"), "case_reporters", ["user_id"])

    op.create_table(
        "case_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_urls_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_urls")),
    )
    op.create_table(
        "open_case_urls",
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_open_case_urls_case_id_cases")),
        sa.PrimaryKeyConstraint("url_hash", name=op.f("pk_open_case_urls")),
    )
    op.create_index(op.f("ix_open_case_urls_case_id"), "open_case_urls", ["case_id"])


def downgrade() -> None:
    op.drop_table("open_case_urls")
    op.drop_table("case_urls")
    op.drop_table("case_reporters")
    op.drop_table("case_copies")
    op.drop_table("case_checklist")
    op.drop_table("cases")
    op.drop_table("case_counters")
