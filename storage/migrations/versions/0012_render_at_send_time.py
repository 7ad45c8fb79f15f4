"""Render at send time: the outbox holds intents drawn when they are sent; coalescing by pending message.

The 10-second coalescing of case copies (cases.copies_refreshed_at, copies_stale) and the digest each copy
kept (case_copies.shown) give way to one pending update per message, drawn when sent, and the digest of
what each message shows (outbox.shown_digest). Copies left stale by the old sweep are queued an update.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)
COPY = {"kind": "report.copy"}

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("payload", existing_type=sa.JSON(), nullable=True)
        batch.add_column(sa.Column("intent", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("coalesce_key", sa.String(length=48), nullable=True))
        batch.add_column(sa.Column("shown_digest", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("_sentinel", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_outbox_parent_id"), ["parent_id"])
    with op.batch_alter_table("case_copies") as batch:
        batch.add_column(sa.Column("handed_at", UTC_DATETIME, nullable=True))
    _queue_stale_copies()
    with op.batch_alter_table("case_copies") as batch:
        batch.drop_column("shown")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_copies_stale")
        batch.drop_column("copies_stale")
        batch.drop_column("copies_refreshed_at")


def _queue_stale_copies() -> None:
    """The copies the old sweep had still to rewrite get the update that draws them as the case is now."""
    cases = sa.table("cases", sa.column("id"), sa.column("copies_stale"))
    copies = sa.table(
        "case_copies", sa.column("case_id"), sa.column("target"), sa.column("outbox_id"), sa.column("handed_to")
    )
    outbox = sa.table(
        "outbox",
        *(sa.column(name) for name in ("created_at", "channel", "method", "parent_id", "status", "attempts")),
        sa.column("next_attempt_at"),
        sa.column("subject"),
        sa.column("coalesce_key"),
        sa.column("intent", sa.JSON()),
    )
    now = datetime.now(UTC)
    stale = (
        sa.select(
            sa.literal(now, UTC_DATETIME),
            copies.c.target,
            sa.literal("chat.update"),
            copies.c.outbox_id,
            sa.literal("pending"),
            sa.literal(0),
            sa.literal(now, UTC_DATETIME),
            sa.literal("case:") + sa.cast(copies.c.case_id, sa.String),
            sa.literal("report.copy"),
            sa.literal(COPY, sa.JSON()),
        )
        .join_from(copies, cases, cases.c.id == copies.c.case_id)
        .where(cases.c.copies_stale.is_(True), copies.c.handed_to.is_(None), copies.c.outbox_id.is_not(None))
    )
    names = ["created_at", "channel", "method", "parent_id", "status", "attempts", "next_attempt_at", "subject"]
    op.execute(outbox.insert().from_select([*names, "coalesce_key", "intent"], stale))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("copies_refreshed_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("copies_stale", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index("ix_cases_copies_stale", ["copies_stale"])
    with op.batch_alter_table("case_copies") as batch:
        batch.add_column(sa.Column("shown", sa.String(length=64), nullable=True))
        batch.drop_column("handed_at")
    # The older code cannot draw intents: unsent ones are dropped, sent ones keep their intent as a payload.
    op.execute("DELETE FROM outbox WHERE payload IS NULL AND status IN ('pending', 'sending')")
    op.execute("UPDATE outbox SET payload = intent WHERE payload IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("payload", existing_type=sa.JSON(), nullable=False)
        batch.drop_index(batch.f("ix_outbox_parent_id"))
        batch.drop_column("_sentinel")
        batch.drop_column("shown_digest")
        batch.drop_column("coalesce_key")
        batch.drop_column("intent")
