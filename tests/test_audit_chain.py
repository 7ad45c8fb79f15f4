"""The audit log's hash chain: linear under concurrency (`sns-bot audit verify`: test_audit_verify.py), and the
database refusing what would rewrite the log (SQLite's REPLACE; PostgreSQL's TRUNCATE and a runtime role
that may only read and append)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, event, make_url, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import cli
from bot.environment import Environment
from bot.service import open_runtime
from storage import audit, audit_chain, migrate
from storage.base import UTCDateTime
from storage.db import SessionFactory, make_engine, make_sessions
from storage.models import AuditEntry, CaseCounter
from tests.conftest import POSTGRES_URL, empty_tables
from tests.support.audit_log import NOW, chain, four_entries, record, verdict
from tests.support.bot import APP_YAML
from tests.support.clock import FrozenClock
from tests.support.process import eventually

# -- chaining ------------------------------------------------------------------------------------


def test_entries_are_chained_at_the_commit_in_the_order_they_were_recorded(sessions: SessionFactory) -> None:
    record(sessions, "first")
    with sessions.begin() as session:
        audit.record(session, at=NOW, actor=None, action="second", entity_type="t", entity_id=1)
        session.flush()  # held back: it gets its place only at the commit
        assert session.scalar(select(sa.func.count()).select_from(AuditEntry)) == 1
        audit.record(session, at=NOW, actor=None, action="third", entity_type="t", entity_id=1)

    entries = chain(sessions)
    assert [(e.seq, e.action) for e in entries] == [(1, "first"), (2, "second"), (3, "third")]
    assert [e.prev_hash for e in entries] == [audit_chain.GENESIS, entries[0].hash, entries[1].hash]
    assert verdict(sessions) == audit_chain.Verdict(count=3, head=entries[2].hash)


def test_a_rolled_back_savepoint_or_transaction_leaves_no_entry_behind(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        audit.record(session, at=NOW, actor=None, action="kept", entity_type="t", entity_id=1)
        savepoint = session.begin_nested()
        audit.record(session, at=NOW, actor=None, action="undone", entity_type="t", entity_id=1)
        session.flush()
        savepoint.rollback()
        with session.begin_nested():
            audit.record(session, at=NOW, actor=None, action="released", entity_type="t", entity_id=1)
            session.flush()
    session = sessions()
    audit.record(session, at=NOW, actor=None, action="rolled back", entity_type="t", entity_id=1)
    session.flush()
    session.rollback()
    audit.record(session, at=NOW, actor=None, action="closed", entity_type="t", entity_id=1)
    session.flush()
    session.close()
    with session.begin():
        audit.record(session, at=NOW, actor=None, action="last", entity_type="t", entity_id=1)

    assert [e.action for e in chain(sessions)] == ["kept", "released", "last"]
    assert verdict(sessions).ok


def test_an_entry_added_while_the_commit_flushes_is_chained_too(sessions: SessionFactory) -> None:
    session = sessions()
    late: list[str] = []

    @event.listens_for(session, "after_flush")
    def add_late(flushed: Session, _context: object) -> None:  # as another commit-time hook could
        if not late:
            late.append("late")
            audit.record(flushed, at=NOW, actor=None, action="late", entity_type="t", entity_id=1)

    with session.begin():
        audit.record(session, at=NOW, actor=None, action="first", entity_type="t", entity_id=1)
        session.add(CaseCounter(year=2026, last=1))
    session.close()

    assert [e.action for e in chain(sessions)] == ["first", "late"]
    assert verdict(sessions).ok


def test_concurrent_transactions_keep_one_linear_chain(sessions: SessionFactory) -> None:
    def work(thread: int) -> None:
        for n in range(20):
            record(sessions, f"{thread}.{n}.a", f"{thread}.{n}.b")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))

    entries = chain(sessions)
    assert verdict(sessions) == audit_chain.Verdict(count=8 * 20 * 2, head=entries[-1].hash)
    assert [e.seq for e in entries] == list(range(1, 321))
    for thread in range(8):  # each transaction's entries together, each thread's in its order
        own = [e.action for e in entries if e.action.startswith(f"{thread}.")]
        assert own == [f"{thread}.{n}.{x}" for n in range(20) for x in "ab"]


def test_an_open_transaction_does_not_hold_up_another_ones_audit_entries(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time by design")
    sessions = make_sessions(engine)
    recorded, finish = threading.Event(), threading.Event()

    def slow() -> None:
        with sessions.begin() as session:
            audit.record(session, at=NOW, actor=None, action="slow", entity_type="t", entity_id=1)
            session.flush()
            recorded.set()
            finish.wait(10)

    thread = threading.Thread(target=slow)
    thread.start()
    assert recorded.wait(10)
    quick = threading.Thread(target=record, args=(sessions, "quick"))
    quick.start()
    quick.join(5)
    finished_first = not quick.is_alive()
    finish.set()
    thread.join()
    quick.join()

    assert finished_first
    assert [e.action for e in chain(sessions)] == ["quick", "slow"]
    assert verdict(sessions).ok


def test_a_commit_waiting_for_a_row_does_not_hold_the_chains_lock(engine: Engine) -> None:
    """The first transaction's commit waits for a row the second holds; the second must still be able to
    chain its entries and commit (were the chain's lock taken before that wait: a deadlock)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time by design")
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        session.add(CaseCounter(year=2026, last=0))
    first, second = sessions(), sessions()
    audit.record(first, at=NOW, actor=None, action="first", entity_type="t", entity_id=1)
    first.get_one(CaseCounter, 2026).last = 1  # written at the commit
    first_pid = first.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    second.get_one(CaseCounter, 2026).last = 2
    second.flush()  # holds the row
    audit.record(second, at=NOW, actor=None, action="second", entity_type="t", entity_id=1)
    failures: list[BaseException] = []

    def commit_first() -> None:
        try:
            first.commit()
        except BaseException as error:
            failures.append(error)

    waiting = threading.Thread(target=commit_first)
    waiting.start()
    with engine.connect() as watcher:
        blocked = text("SELECT cardinality(pg_blocking_pids(:pid)) > 0").bindparams(pid=first_pid)
        eventually(lambda: watcher.execute(blocked).scalar_one(), timeout=10, what="the first commit waits")
    second.commit()
    waiting.join(10)
    first.close()
    second.close()

    assert failures == []
    assert [e.action for e in chain(sessions)] == ["second", "first"]
    assert verdict(sessions).ok


def test_the_migration_chains_existing_entries_in_id_order(engine: Engine) -> None:
    migrate.downgrade(engine, "0007")
    old = sa.table("audit_log", sa.column("occurred_at", UTCDateTime()), sa.column("action", sa.String()),
                   sa.column("entity_type", sa.String()), sa.column("entity_id", sa.String()),
                   sa.column("after", sa.JSON()))  # fmt: skip
    with engine.begin() as connection:
        for hour, action in ((9, "a"), (3, "b"), (5, "c")):  # id order is not time order
            at = datetime(2026, 11, 5, hour, tzinfo=UTC)
            connection.execute(old.insert().values(occurred_at=at, action=action, entity_type="t", entity_id="1",
                                                   after={"k": "値"}))  # fmt: skip
    migrate.upgrade(engine)
    sessions = make_sessions(engine)
    record(sessions, "after the upgrade")

    assert [(e.seq, e.action) for e in chain(sessions)] == [(1, "a"), (2, "b"), (3, "c"), (4, "after the upgrade")]
    assert verdict(sessions).count == 4


# -- what the database refuses ---------------------------------------------------------------------


def test_sqlite_refuses_insert_or_replace_of_an_entry(sessions: SessionFactory, engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's REPLACE")
    four_entries(sessions)
    for replace in (
        "INSERT OR REPLACE INTO audit_log SELECT id, occurred_at, 'U0EVIL', '別人', action, entity_type, entity_id, "
        "before, after, seq, prev_hash, hash, actor_email FROM audit_log WHERE seq = 1",
        # a new id, the same seq
        "REPLACE INTO audit_log SELECT 99, occurred_at, 'U0EVIL', '別人', action, entity_type, entity_id, "
        "before, after, seq, prev_hash, hash, actor_email FROM audit_log WHERE seq = 1",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(replace))
    assert [e.actor_name for e in chain(sessions)] == ["観光 一郎"] * 4
    assert verdict(sessions).ok


def test_postgresql_refuses_truncate(sessions: SessionFactory, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's TRUNCATE")
    four_entries(sessions)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_log"))
    assert verdict(sessions).count == 4


@pytest.fixture
def postgres_url() -> str:
    if POSTGRES_URL is None:
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432 and TEST_DATABASE_URL is not set")
    return POSTGRES_URL


@pytest.fixture
def runtime_role(postgres_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A role name of its own (roles are cluster-wide), dropped afterwards with what it was granted."""
    owner_url = request.getfixturevalue("postgres_schema_url")
    empty_tables(owner_url)
    role = f"sns_bot_test_{secrets.token_hex(4)}"
    yield role
    owner = make_engine(owner_url)
    with owner.begin() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
            connection.execute(text(f"DROP OWNED BY {role}"))
            connection.execute(text(f"DROP ROLE {role}"))
    owner.dispose()


def test_serve_as_the_runtime_role_can_only_read_and_append_to_the_audit_log(
    runtime_role: str,
    postgres_schema_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> None:
    monkeypatch.setenv("DATABASE_URL", postgres_schema_url)  # the owner's URL, for `db upgrade`
    assert cli.main(["db", "upgrade", "--runtime-role", runtime_role]) == 0
    assert runtime_role in capsys.readouterr().out
    role_url = make_url(postgres_schema_url).set(username=runtime_role).render_as_string(hide_password=False)

    # What serve does at start-up (schema check, the configuration's revision and its audit entry) works.
    runtime = open_runtime(Environment(database_url=role_url, config_path=APP_YAML), FrozenClock())
    runtime.engine.dispose()
    engine = make_engine(role_url)
    sessions = make_sessions(engine)
    record(sessions, "as the runtime role")
    try:
        for statement in (
            "TRUNCATE audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "UPDATE audit_log SET actor_name = '別人'",
            "DELETE FROM audit_log",
        ):
            with pytest.raises(DBAPIError, match=r"permission denied|must be owner"), engine.begin() as connection:
                connection.execute(text(statement))
        entries = chain(sessions)
        assert entries[-1].action == "as the runtime role"
        assert verdict(sessions).count == len(entries)
    finally:
        engine.dispose()


def test_sqlite_has_no_runtime_role(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/bot.db")
    assert cli.main(["db", "upgrade", "--runtime-role", "sns_bot"]) == 2
    assert "only PostgreSQL has roles" in capsys.readouterr().err
