"""Fixtures: every database-touching test runs on SQLite and, when it answers, on PostgreSQL.

PostgreSQL is used when TEST_DATABASE_URL is set (then it must work: CI sets it) or when a
server answers on 127.0.0.1:5432. Each run gets its own schema, dropped at the end; each test
starts from empty tables.
"""

from __future__ import annotations

import gc
import logging
import os
import secrets
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, literal, make_url, select, text, union_all

from bot.logs import RedactSecrets
from playground.slack_api import SlackStandIn
from storage import migrate
from storage.base import Base
from storage.db import SessionFactory, make_engine, make_sessions
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.flow import unpaced_config

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
    except OSError:
        return None
    return LOCAL_POSTGRES


POSTGRES_URL = _postgres_url()
SHARED_MEMORY = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """Temporary files go to memory when the machine has a roomy tmpfs: the SQLite databases' commits then wait
    for no disk, so a busy CI machine's disk cannot stall a listener past Slack's 3 s for its acknowledgement
    (one such miss, cause unproven, failed a CI run). ``--basetemp`` still decides."""
    if config.option.basetemp is None and _roomy(SHARED_MEMORY):
        config.option.basetemp = tempfile.mkdtemp(prefix="sns-bot-tests-", dir=SHARED_MEMORY)
        config.add_cleanup(lambda: shutil.rmtree(config.option.basetemp, ignore_errors=True))


def _roomy(directory: Path, needed: int = 2 << 30) -> bool:
    try:
        stats = os.statvfs(directory)
    except OSError:
        return False
    return os.access(directory, os.W_OK) and stats.f_bavail * stats.f_frsize >= needed


DATABASES = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


# The test process serves a bot for nearly every test, so it must not grow: the garbage collector's full passes
# stop every thread for a time that grows with the heap, and a pass of a second or more under a busy CI machine's
# load made a report's listener miss Slack's 3 s for its acknowledgement (a 404 in two CI runs).
def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (modules, the collected items) lives to the end: out of the
    collector's passes, as the bot's own start-up does for its process (bot/cli/serving.py)."""
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """SQLAlchemy's mappers keep the last 100 statements they compiled for inserts and updates, each holding the
    dialect of the engine it ran on, and with it that engine's caches: a test's engine, disposed, would stay in
    memory until a hundred later ones pushed it out (~600,000 objects over the suite). A served bot has one
    engine, so only the tests need this (a private attribute, hence here and nowhere in bot/ or storage/)."""
    for mapper in Base.registry.mappers:
        mapper._compiled_cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _no_proxy() -> Iterator[None]:
    # slack_sdk honours HTTP(S)_PROXY but not NO_PROXY: loopback calls must not leave the machine.
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.lower() in ("http_proxy", "https_proxy")}
    yield
    os.environ.update(saved)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """bot.logs.configure (run by bot.cli.main) replaces the root logger's handlers and levels: undo that."""
    root = logging.getLogger()
    slack_sdk = logging.getLogger("slack_sdk")
    # pytest adds and removes its own capture handlers around each test phase; keep the others.
    kept = [h for h in root.handlers if not type(h).__module__.startswith("_pytest")]
    level, slack_level = root.level, slack_sdk.level
    yield
    for handler in root.handlers[:]:
        if any(isinstance(f, RedactSecrets) for f in handler.filters):
            root.removeHandler(handler)
            handler.close()
    for handler in kept:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    slack_sdk.setLevel(slack_level)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    assert POSTGRES_URL is not None
    schema = f"sns_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    engine = make_engine(url_text)
    migrate.upgrade(engine)
    engine.dispose()
    yield url_text
    if owner := _owner_engines.pop(url_text, None):
        owner.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "sns-bot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema_url")
    empty_tables(url)
    return url


def empty_tables(postgres_url: str) -> None:
    """Empties every table and restarts its ids, as TRUNCATE … RESTART IDENTITY would, but only where a test wrote:
    a TRUNCATE makes new files for every table and index (about half a second a test), a DELETE of a few rows
    does not. The audit log's append-only trigger is set aside for the owner, as the owner may."""
    with _owner_engine(postgres_url).begin() as connection:
        written = set(connection.scalars(_WRITTEN))
        for table in reversed(Base.metadata.sorted_tables):  # referencing rows first
            if table.name not in written:
                continue
            if table.name == "audit_log":
                connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
            connection.execute(table.delete())
            if table.name == "audit_log":
                connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"))
        connection.execute(text(_RESTART_USED_SEQUENCES))


# The tables holding a row, in one round trip.
_WRITTEN = union_all(*(select(literal(t.name)).where(select(t).exists()) for t in Base.metadata.sorted_tables))
# The sequences of the schema's id columns that handed out a value (even one rolled back), back to their start.
_RESTART_USED_SEQUENCES = """
SELECT setval(s.seqrelid, s.seqstart, false)
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_depend d ON d.objid = s.seqrelid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
WHERE c.relnamespace = current_schema()::regnamespace
  -- CASE: the planner may otherwise read another schema's sequence, which a parallel run may be dropping.
  AND CASE WHEN c.relnamespace = current_schema()::regnamespace THEN pg_sequence_last_value(s.seqrelid) END IS NOT NULL
"""
_owner_engines: dict[str, Engine] = {}


def _owner_engine(postgres_url: str) -> Engine:
    """One engine a schema for emptying it, rather than a new connection every test."""
    if postgres_url not in _owner_engines:
        _owner_engines[postgres_url] = make_engine(postgres_url)
    return _owner_engines[postgres_url]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> SessionFactory:
    return make_sessions(engine)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def fake_slack() -> Iterator[SlackStandIn]:
    """The Slack stand-in. A test that made it refuse a call by Slack's rules fails, even if it checked nothing
    of that call: a payload Slack would refuse never passes unnoticed. (Tests of the refusals themselves start
    a stand-in of their own.)"""
    with SlackStandIn() as fake:
        yield fake
        refused = [f"{r.method}: {r.error} {'; '.join(r.messages)}" for r in fake.workspace.refusals]
    if refused:
        pytest.fail("Slack would refuse:\n" + "\n".join(refused), pytrace=False)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    """The sample app.yaml without Slack's pace, for the tests' running bot (a module may give its own)."""
    return unpaced_config(tmp_path)


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, config_path: Path) -> Iterator[RunningBot]:
    """The real serve path on ``config_path`` (modules whose bot differs define their own)."""
    with running_bot(fake_slack, database_url, clock=clock, config_path=config_path) as running:
        yield running
