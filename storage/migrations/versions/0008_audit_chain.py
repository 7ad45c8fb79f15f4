"""Audit log: a hash chain over the entries (existing ones chained in id order); SQLite refuses a REPLACE
of an entry, PostgreSQL a TRUNCATE.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.audit_chain import GENESIS, digest
from storage.base import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RAISE = "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
SQLITE_TRIGGERS = {
    "audit_log_no_update": f"BEFORE UPDATE ON audit_log {_RAISE}",
    "audit_log_no_delete": f"BEFORE DELETE ON audit_log {_RAISE}",
    # INSERT OR REPLACE deletes the row it replaces without firing the DELETE trigger.
    "audit_log_no_replace": (
        "BEFORE INSERT ON audit_log WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id OR seq = NEW.seq) "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    ),
}
POSTGRESQL_NO_TRUNCATE = (
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
)

# The columns as this revision knows them (the model may grow later).
_ENTRIES = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
    sa.column("occurred_at", UTCDateTime()),
    sa.column("actor_id", sa.String()),
    sa.column("actor_name", sa.String()),
    sa.column("action", sa.String()),
    sa.column("entity_type", sa.String()),
    sa.column("entity_id", sa.String()),
    sa.column("before", sa.JSON()),
    sa.column("after", sa.JSON()),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    _set_triggers(["audit_log_no_update", "audit_log_no_delete"], create=False)
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing()
    with op.batch_alter_table("audit_log") as batch:
        for name in ("seq", "prev_hash", "hash"):
            batch.alter_column(name, nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])
    _set_triggers(list(SQLITE_TRIGGERS), create=True)
    if not _sqlite():
        op.execute(POSTGRESQL_NO_TRUNCATE)


def downgrade() -> None:
    if not _sqlite():
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
    _set_triggers(list(SQLITE_TRIGGERS), create=False)
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        for name in ("hash", "prev_hash", "seq"):
            batch.drop_column(name)
    _set_triggers(["audit_log_no_update", "audit_log_no_delete"], create=True)


def _set_triggers(names: list[str], *, create: bool) -> None:
    """SQLite's triggers go before the table is rebuilt (a rebuild drops them) and come back after."""
    if not _sqlite():
        return
    for name in names:
        op.execute(f"CREATE TRIGGER {name} {SQLITE_TRIGGERS[name]}" if create else f"DROP TRIGGER {name}")


def _chain_existing() -> None:
    connection = op.get_bind()
    if not _sqlite():
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    previous = GENESIS
    rows = connection.execute(sa.select(_ENTRIES).order_by(_ENTRIES.c.id)).mappings().all()
    for seq, row in enumerate(rows, start=1):
        values = dict(row) | {"seq": seq, "prev_hash": previous}
        values["hash"] = digest(values)
        connection.execute(
            _ENTRIES.update().where(_ENTRIES.c.id == row["id"]).values(seq=seq, prev_hash=previous, hash=values["hash"])
        )
        previous = values["hash"]
    if not _sqlite():
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
