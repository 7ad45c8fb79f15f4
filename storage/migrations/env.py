"""Alembic environment: the engine comes from storage.migrate, never from an ini file."""

from alembic import context
from sqlalchemy import Connection

from storage import models  # noqa: F401 - registers the tables on Base.metadata
from storage.base import Base

engine = context.config.attributes["engine"]


def _sqlite_pragma(connection: Connection, pragma: str) -> list[tuple[object, ...]]:
    """Straight to the driver, outside any transaction (SQLite ignores foreign_keys inside one)."""
    return list(connection.connection.dbapi_connection.execute(f"PRAGMA {pragma}"))  # type: ignore[union-attr]


with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    # Batch migrations rebuild tables that others reference, and SQLite would check every reference at each
    # DROP TABLE of the rebuild: as Alembic advises, the references are checked once, before the commit.
    if sqlite:
        _sqlite_pragma(connection, "foreign_keys=OFF")
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
                raise RuntimeError(f"the migration left references to missing rows: {broken[:5]}")
    finally:
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys=ON")
