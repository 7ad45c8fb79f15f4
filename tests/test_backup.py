"""`sns-bot db backup PATH` and README's "Backup and restore" (issue 15): a backup taken while the bot
serves, restored into a fresh database as README says, serves the same cases and its audit chain verifies.
PostgreSQL runs in databases of the test's own (pg_dump copies a whole database, not a schema)."""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from bot import cli
from playground.slack_api import SlackStandIn
from storage import migrate
from storage.db import make_engine
from tests.conftest import DATABASES, POSTGRES_URL
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.report import PUBINFO1, delivered, list_cases, strings, submit_report, unpaced_config

CASE_NUMBER = re.compile(r"SNS-\d{4}-\d{4}")

NewDatabase = Callable[[], str]


@pytest.fixture(params=DATABASES)
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NewDatabase]:
    """Makes empty databases of one kind (SQLite files, or PostgreSQL databases dropped afterwards)."""
    made: list[str] = []

    def sqlite() -> str:
        return f"sqlite:///{tmp_path}/db{len(made)}.db"

    def postgresql() -> str:
        assert POSTGRES_URL is not None
        name = f"sns_backup_{secrets.token_hex(4)}"
        with make_engine(POSTGRES_URL).connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
            admin.execute(text(f"CREATE DATABASE {name}"))
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def make() -> str:
        url = sqlite() if request.param == "sqlite" else postgresql()
        made.append(url)
        return url

    yield make
    if request.param == "postgresql":
        admin_engine = make_engine(POSTGRES_URL or "")
        with admin_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
            for url in made:
                admin.execute(text(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)"))
        admin_engine.dispose()


def restore(backup: Path, into: str) -> None:
    """README's restore steps."""
    if into.startswith("sqlite"):
        shutil.copy(backup, make_url(into).database or "")
        return
    dbname = make_url(into).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", f"--dbname={dbname}", str(backup)], check=True
    )


def listed(bot: RunningBot, fake: SlackStandIn) -> str:
    """What 市政情報課 reads in `/sns-report list`: every open case."""
    answer = list_cases(bot, fake, PUBINFO1).args
    return strings({key: value for key, value in answer.items() if key != "response_url"})


@pytest.mark.slow  # pg_dump and pg_restore are processes of their own
def test_a_restored_backup_serves_the_same_cases_and_its_audit_chain_verifies(
    new_database: NewDatabase,
    fake_slack: SlackStandIn,
    clock: FrozenClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    restore_logging: None,
) -> None:
    live, restored, config = new_database(), new_database(), unpaced_config(tmp_path)
    backup = tmp_path / "sns-bot.backup"
    engine = make_engine(live)
    migrate.upgrade(engine)
    engine.dispose()
    with running_bot(fake_slack, live, clock=clock, config_path=config) as bot:
        submit_report(bot, clock)
        submit_report(bot, clock, kind="impersonation", urls="https://x.com/fake_soja/status/42")
        delivered(bot)
        before = listed(bot, fake_slack)
        monkeypatch.setenv("DATABASE_URL", live)
        assert cli.main(["db", "backup", str(backup)]) == 0  # online: the bot is serving

    restore(backup, restored)

    monkeypatch.setenv("DATABASE_URL", restored)
    capsys.readouterr()
    assert cli.main(["audit", "verify"]) == 0
    assert "The audit chain verifies" in capsys.readouterr().out
    with SlackStandIn() as fresh_slack, running_bot(fresh_slack, restored, clock=clock, config_path=config) as bot:
        after = listed(bot, fresh_slack)
    assert len(set(CASE_NUMBER.findall(before))) == 2
    assert after == before


def test_backup_never_overwrites_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    live = tmp_path / "live.db"
    engine = make_engine(f"sqlite:///{live}")
    migrate.upgrade(engine)
    engine.dispose()
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{live}")

    assert cli.main(["db", "backup", str(existing)]) == 1
    assert existing.read_bytes() == b"keep me"
    assert "is not overwritten" in capsys.readouterr().err
    assert cli.main(["db", "backup"]) == 2
    assert "sns-bot db backup PATH" in capsys.readouterr().err


def test_postgres_backup_without_pg_dump_points_to_the_readme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it

    assert cli.main(["db", "backup", str(tmp_path / "x.dump")]) == 1

    err = capsys.readouterr().err
    assert "pg_dump" in err
    assert '"Backup and restore"' in err
    assert not (tmp_path / "x.dump").exists()


@pytest.mark.slow
def test_a_failing_pg_dump_is_reported_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")  # nothing listens

    assert cli.main(["db", "backup", str(tmp_path / "x.dump")]) == 1

    err = capsys.readouterr().err
    assert "The backup could not be written" in err
    assert "secret" not in err
    assert not (tmp_path / "x.dump").exists()
