"""Engine and session factory, tuned per database."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage import audit_chain  # noqa: F401 - registers the chaining of audit entries at every commit

SessionFactory = sessionmaker[Session]


BUSY_SECONDS = 30  # how long a transaction waits for SQLite's write lock before it fails


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for ``url``. SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE``
    transactions queued in the process; PostgreSQL a pool sized for the listener threads. A failed
    statement's error shows its SQL without its parameters: they hold what people typed (a private
    概要), and the error reaches the log with its traceback."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "timeout": BUSY_SECONDS},
            pool_size=pool_size,
            max_overflow=pool_size * 2,
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_connect)
        _queue_writers(engine)
        return engine
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=pool_size, max_overflow=pool_size * 2, hide_parameters=True
    )


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would BEGIN lazily (DEFERRED); we emit BEGIN ourselves.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _queue_writers(engine: Engine) -> None:
    """Every transaction takes SQLite's one write lock up front (``BEGIN IMMEDIATE``), so two
    read-then-write transactions never fail with "database is locked" at their first write. Within
    the process they queue on a lock, woken the moment it is free, instead of in SQLite's busy
    handler, which polls with sleeps of up to 100 ms and so serves waiters out of order."""
    turn = threading.Lock()

    def begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_READING):
            connection.exec_driver_sql("BEGIN")  # WAL: a reader runs beside the one writer, never waits for it
            return
        if not turn.acquire(timeout=BUSY_SECONDS):
            raise TimeoutError(f"waited {BUSY_SECONDS} s for SQLite's write lock")
        connection.info[_HOLDS_TURN] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            end(connection)
            raise

    def end(connection: Connection) -> None:
        if connection.info.pop(_HOLDS_TURN, False):
            turn.release()

    event.listen(engine, "begin", begin)
    event.listen(engine, "commit", end)
    event.listen(engine, "rollback", end)  # also fired when a connection closes or is invalidated mid-transaction


_HOLDS_TURN = "sns_bot_holds_write_turn"
_READING = "sns_bot_reading"


def make_sessions(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


def reading_sessions(engine: Engine) -> SessionFactory:
    """Sessions that only read. On SQLite they neither queue for the write lock nor hold it, so the delivery
    worker drawing a message never holds up a report's transaction (a write in one would bypass that queue:
    writes go through make_sessions)."""
    return sessionmaker(engine.execution_options(**{_READING: True}), expire_on_commit=False)


def ping(engine: Engine) -> None:
    """Raises unless the database answers."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
