"""INSERT … ON CONFLICT for the database in use: SQLite's and PostgreSQL's spell it alike in SQLAlchemy."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert(session: Session, table: Any) -> Any:
    """The dialect's INSERT of ``table``, which has ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
