"""Migrations and models agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import ast
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError

import storage
from handlers.common.failure import handle_error
from storage import migrate
from storage.base import Base
from storage.db import SessionFactory, make_engine
from storage.models import AuditEntry, ProcessedView


def test_the_database_is_at_the_newest_migration(engine: Engine) -> None:
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.is_current(engine)


def test_migrations_create_exactly_what_the_models_describe(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert differences == []


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert "outbox" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert {"audit_log", "outbox", "config_revisions"} <= set(inspect(engine).get_table_names())


def _imported_modules(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_storage_imports_neither_bot_nor_handlers() -> None:
    """storage/ takes plain values: an import of bot.config (or a feature) would tie the data layer to the app."""
    root = Path(storage.__file__).parent
    upward = {
        (path.relative_to(root).as_posix(), module)
        for path in root.rglob("*.py")
        for module in _imported_modules(path)
        if module.partition(".")[0] in {"bot", "handlers"}
    }
    assert upward == set()


def test_times_are_stored_in_utc_and_read_back_aware(sessions: SessionFactory) -> None:
    tokyo = timezone(timedelta(hours=9))
    with sessions.begin() as session:
        session.add(
            AuditEntry(occurred_at=datetime(2026, 4, 1, 9, 0, tzinfo=tokyo), action="a", entity_type="t", entity_id="1")
        )
    with sessions() as session:
        (entry,) = session.query(AuditEntry).all()
    assert entry.occurred_at == datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    assert entry.occurred_at.tzinfo is not None


def test_naive_times_are_refused(sessions: SessionFactory) -> None:
    with pytest.raises(Exception, match="naive datetime"), sessions.begin() as session:
        session.add(AuditEntry(occurred_at=datetime(2026, 4, 1), action="a", entity_type="t", entity_id="1"))


# -- SQLite's writers queue in the process ------------------------------------------------------------


def test_sqlite_transactions_take_turns_and_every_ending_passes_the_turn_on(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    order: list[str] = []
    first = engine.connect()
    first.begin()
    waiting = threading.Thread(target=lambda: _write(engine, order, "second"))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()  # queued behind the open transaction, not failed
    order.append("first")
    first.rollback()
    waiting.join(5)
    assert order == ["first", "second"]

    with engine.connect() as closing:
        closing.begin()
    _write(engine, order, "after a connection closed mid-transaction")
    assert order[-1] == "after a connection closed mid-transaction"
    first.close()
    engine.dispose()


def _write(engine: Engine, order: list[str], name: str) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT 1")
        order.append(name)


def test_a_failed_write_logs_no_parameter_value(sessions: SessionFactory, caplog: pytest.LogCaptureFixture) -> None:
    """The listeners' error handler logs the traceback of a failed write: its SQL, never what was typed."""
    private = "private-summary-9f3a"  # ASCII: JSON parameters are shown with non-ASCII escaped
    row = {"view_id": "V1", "callback_id": "report.submit", "processed_at": datetime(2026, 4, 1, tzinfo=UTC)}
    with sessions.begin() as session:
        session.add(ProcessedView(**row, result={"summary": "first"}))
    with caplog.at_level(logging.ERROR):
        try:
            with sessions.begin() as session:
                session.add(ProcessedView(**row, result={"summary": private}))
        except IntegrityError as error:  # as a listener's failure reaches the one error handler
            handle_error(error, {"type": "view_submission"}, response=None, respond=None)

    assert "INSERT INTO processed_views" in caplog.text  # the traceback is there
    assert private not in caplog.text
