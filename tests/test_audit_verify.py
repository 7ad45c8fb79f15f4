"""`sns-bot audit verify`: the count and head hash of an intact chain, the first entry rewritten, reordered
or deleted, and a head kept outside the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, TextClause, select, text

from bot import cli
from storage import audit_chain
from storage.db import SessionFactory, make_sessions
from storage.models import AuditEntry
from tests.support.audit_log import four_entries

# -- sns-bot audit verify ------------------------------------------------------------------------


def tamper(engine: Engine, *statements: str | TextClause) -> None:
    """What an administrator can do around the triggers: drop them (SQLite: whoever can write the
    file) or disable them (PostgreSQL: the tables' owner)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for name in ("no_update", "no_delete"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS audit_log_{name}"))
        else:
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(text(statement) if isinstance(statement, str) else statement)
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


Verify = Callable[..., tuple[int, str, str]]


@pytest.fixture
def verify_command(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> Verify:
    """Runs `sns-bot audit verify` against the test database: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*options: str) -> tuple[int, str, str]:
        code = cli.main(["audit", "verify", *options])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_verify_prints_the_count_and_the_head_hash(sessions: SessionFactory, verify_command: Verify) -> None:
    entries = four_entries(sessions)
    code, out, _ = verify_command()
    assert code == 0
    assert "4 件" in out
    assert "4 entries" in out
    assert entries[-1].hash in out


@pytest.mark.parametrize(
    ("statements", "named"),
    [
        (["UPDATE audit_log SET actor_name = '別人' WHERE seq = 2"], "entry 2 (id 2): its content does not match"),
        (["UPDATE audit_log SET actor_email = 'x@y.jp' WHERE seq = 2"], "entry 2 (id 2): its content does not match"),
        (
            [
                "UPDATE audit_log SET seq = -1 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = -1",
            ],
            "entry 2 (id 3): does not follow entry 1",
        ),
        (["DELETE FROM audit_log WHERE seq = 2"], "entry 3 (id 3): expected entry 2 here"),
    ],
    ids=["rewritten", "address-added", "reordered", "deleted"],
)
def test_verify_names_the_first_entry_that_was_rewritten_reordered_or_deleted(
    engine: Engine,
    sessions: SessionFactory,
    verify_command: Verify,
    statements: list[str],
    named: str,
) -> None:
    four_entries(sessions)
    tamper(engine, *statements)

    code, out, err = verify_command()

    assert code == 1
    assert named in err
    assert "先頭から 1 件は一致" in err
    assert out == ""


def rechain(engine: Engine) -> None:
    """What someone who knows the algorithm does after a change: recompute every hash."""
    with make_sessions(engine)() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    previous, statements = audit_chain.GENESIS, []
    for entry in entries:
        values = {key: getattr(entry, key) for key in audit_chain.CONTENT} | {"prev_hash": previous}
        current = audit_chain.digest(values)
        statements.append(
            text("UPDATE audit_log SET prev_hash = :previous, hash = :current WHERE seq = :seq").bindparams(
                previous=previous, current=current, seq=entry.seq
            )
        )
        previous = current
    tamper(engine, *statements)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ("UPDATE audit_log SET actor_name = '別人' WHERE seq = 2", "entry 4 (id 4): its hash is not "),
        ("DELETE FROM audit_log WHERE seq = 4", "entry 4 is missing: the chain ends at entry 3"),
    ],
    ids=["rewritten and recomputed", "cut short"],
)
def test_the_head_kept_outside_the_database_shows_a_recomputed_or_shortened_chain(
    engine: Engine, sessions: SessionFactory, verify_command: Verify, change: str, named: str
) -> None:
    anchor = f"4:{four_entries(sessions)[-1].hash}"  # as the monthly summary showed it
    tamper(engine, change)
    rechain(engine)

    assert verify_command()[0] == 0  # consistent in itself
    code, _, err = verify_command("--anchor", anchor)
    assert code == 1
    assert named in err


def test_a_matching_anchor_verifies(sessions: SessionFactory, verify_command: Verify) -> None:
    entries = four_entries(sessions)
    code, out, _ = verify_command("--anchor", f"2:{entries[1].hash}", "--anchor", f"4:{entries[3].hash}")
    assert code == 0
    assert entries[3].hash in out
