"""Reports kept per reporter (capacity, 概要, 所属, URLs; one per person and capacity) and a digest of what
each copy shows (a head's copy got its department in 0009): who sees a report's content depends on its own
capacity (handlers/report/visibility.py).

Existing cases: the first reporter's row takes the case's fields; a duplicate reporter's row, whose
report was never stored, takes the case's capacity and time with an empty 概要 and no URLs.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_DATETIME = sa.DateTime(timezone=True)

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REQUIRED = ("capacity", "summary", "discovered_at", "urls")
OLD_UNIQUE = "uq_case_reporters_case_id_user_id"
NEW_UNIQUE = "uq_case_reporters_case_id_user_id_capacity"


def upgrade() -> None:
    with op.batch_alter_table("case_reporters") as batch:
        batch.add_column(sa.Column("capacity", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch.add_column(sa.Column("account", sa.Text(), nullable=True))
        batch.add_column(sa.Column("discovered_at", UTC_DATETIME, nullable=True))
        batch.add_column(sa.Column("department_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("department_name", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("urls", sa.JSON(), nullable=True))
    with op.batch_alter_table("case_copies") as batch:
        batch.add_column(sa.Column("shown", sa.String(length=64), nullable=True))
    _backfill()
    with op.batch_alter_table("case_reporters") as batch:
        for column in REQUIRED:
            batch.alter_column(column, existing_nullable=True, nullable=False)
        batch.drop_constraint(OLD_UNIQUE, type_="unique")
        batch.create_unique_constraint(NEW_UNIQUE, ["case_id", "user_id", "capacity"])


def _backfill() -> None:
    reporters = sa.table(
        "case_reporters",
        *(sa.column(c) for c in ("id", "case_id", "user_id", "capacity", "summary", "account", "discovered_at")),
        sa.column("department_id"),
        sa.column("department_name"),
        sa.column("urls", sa.JSON()),
    )
    cases = sa.table(
        "cases",
        *(sa.column(c) for c in ("id", "reporter_id", "capacity", "summary", "account", "discovered_at")),
        sa.column("department_id"),
        sa.column("department_name"),
    )
    urls = sa.table("case_urls", sa.column("id"), sa.column("case_id"), sa.column("url"))
    bind = op.get_bind()
    case_urls: dict[int, list[str]] = {}
    for case_id, url in bind.execute(sa.select(urls.c.case_id, urls.c.url).order_by(urls.c.id)):
        case_urls.setdefault(case_id, []).append(url)
    case_columns = [c.label(f"case_{c.name}") if c.name == "id" else c for c in cases.c]
    rows = bind.execute(
        sa.select(reporters.c.id, reporters.c.user_id, *case_columns).join(cases, cases.c.id == reporters.c.case_id)
    ).mappings()
    for row in list(rows):
        first = row["user_id"] == row["reporter_id"]
        values = {"capacity": row["capacity"], "discovered_at": row["discovered_at"], "summary": "", "urls": []}
        if first:
            values |= {k: row[k] for k in ("summary", "account", "department_id", "department_name")}
            values["urls"] = case_urls.get(row["case_id"], [])
        bind.execute(sa.update(reporters).where(reporters.c.id == row["id"]).values(**values))


def downgrade() -> None:
    """Back to one row per person: a person's second report (in the other capacity) is dropped."""
    reporters = sa.table("case_reporters", sa.column("id"), sa.column("case_id"), sa.column("user_id"))
    first = sa.select(sa.func.min(reporters.c.id)).group_by(reporters.c.case_id, reporters.c.user_id)
    op.execute(sa.delete(reporters).where(reporters.c.id.not_in(first)))
    with op.batch_alter_table("case_copies") as batch:
        batch.drop_column("shown")
    with op.batch_alter_table("case_reporters") as batch:
        batch.drop_constraint(NEW_UNIQUE, type_="unique")
        batch.create_unique_constraint(OLD_UNIQUE, ["case_id", "user_id"])
        for column in ("urls", "department_name", "department_id", "discovered_at", "account", "summary", "capacity"):
            batch.drop_column(column)
