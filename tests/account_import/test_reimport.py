"""Importing again: the same file changes nothing, and a registered URL with other values conflicts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.catalog import t
from bot.config import Config
from handlers.account import importer
from handlers.account.importer import ImportResult, Problem
from storage.db import SessionFactory
from storage.models import Account, AccountState
from tests.account_import.rows import (
    EN,
    GOOD,
    JA,
    LINE_ROW,
    NOTE_ROW,
    X_ROW,
    audit_entries,
    registered,
    run,
    with_cell,
    write_csv,
)


def test_reimporting_the_same_file_changes_nothing(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", JA, GOOD, bom=True)
    assert run(sessions, config, path).imported == 3
    before = {url: (account.id, account.last_review_on) for url, account in registered(sessions).items()}

    # A day later: an empty 前回振り返り日 would now default to another date, which is no difference.
    result = run(sessions, config, path, now=datetime(2026, 4, 10, 15, 30, tzinfo=UTC))

    assert result == ImportResult(imported=0, unchanged=3, problems=[])
    assert {url: (account.id, account.last_review_on) for url, account in registered(sessions).items()} == before
    summaries = [entry for entry in audit_entries(sessions) if entry.action == importer.AUDIT_SUMMARY]
    assert [(entry.after or {})["unchanged"] for entry in summaries] == [0, 3]


def test_the_register_moving_on_is_no_conflict(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", EN, GOOD)
    run(sessions, config, path)
    with sessions.begin() as session:
        line = session.scalars(select(Account).where(Account.url == "https://lin.ee/soja")).one()
        line.password_changed_on = date(2026, 4, 1)
        line.last_review_on = date(2026, 4, 2)
        line.state = AccountState.WITHDRAWING
    # The same accounts, written in other forms of their URLs.
    rows = [with_cell(X_ROW, "url", "https://twitter.com/soja_kanko"), LINE_ROW, NOTE_ROW]

    result = run(sessions, config, write_csv(tmp_path / "again.csv", EN, rows))

    assert result == ImportResult(imported=0, unchanged=3, problems=[])


def test_a_reimport_records_the_policy_url_an_account_lacked(
    sessions: SessionFactory, config: Config, tmp_path: Path
) -> None:
    run(sessions, config, write_csv(tmp_path / "first.csv", EN, [X_ROW]))  # no 運用ポリシーURL: reminded (4(4)③)
    x_policy = "https://www.city.soja.okayama.jp/policy/x.html"

    result = run(
        sessions, config, write_csv(tmp_path / "again.csv", EN, [with_cell(X_ROW, "public_policy_url", x_policy)])
    )

    assert result == ImportResult(imported=0, unchanged=0, problems=[], policies=1)
    assert registered(sessions)["https://x.com/soja_kanko"].public_policy_url == x_policy
    (recorded,) = [entry for entry in audit_entries(sessions) if entry.action == importer.AUDIT_POLICY]
    assert recorded.after == {"before": None, "after": x_policy, "file": "again.csv", "line": 2}
    assert run(sessions, config, write_csv(tmp_path / "third.csv", EN, [X_ROW])).unchanged == 1


@pytest.mark.parametrize(
    ("column", "value", "written"),
    [
        ("name", "総社市公式ライン", "name"),
        ("platform", "x", "platform"),
        ("managers", "U0STAFF1 U0STAFF2", "managers"),
        ("review_interval_days", "180", "review_interval_days"),
        ("public_policy_url", "https://example.jp/other", "public_policy_url"),
        # A file that says the password changed after the register's date.
        ("password_changed_on", "2026-02-01", "password_changed_on"),
        ("last_review_on", "2026-04-01", "last_review_on"),
    ],
)
def test_a_registered_url_with_other_values_is_a_conflict(
    sessions: SessionFactory, config: Config, tmp_path: Path, column: str, value: str, written: str
) -> None:
    run(sessions, config, write_csv(tmp_path / "first.csv", EN, [LINE_ROW]))
    rows = [X_ROW, with_cell(LINE_ROW, column, value)]

    result = run(sessions, config, write_csv(tmp_path / "second.csv", EN, rows))

    message = t("account_import.conflict", value="https://lin.ee/soja", columns=written)
    assert result == ImportResult(imported=0, unchanged=0, problems=[Problem(3, "url", message)])
    assert set(registered(sessions)) == {"https://lin.ee/soja"}  # X_ROW, fine on its own, was not imported
    assert registered(sessions)["https://lin.ee/soja"].name == "総社市公式LINE"


def test_a_conflict_names_every_differing_column_as_written(
    sessions: SessionFactory, config: Config, tmp_path: Path
) -> None:
    run(sessions, config, write_csv(tmp_path / "first.csv", JA, [LINE_ROW]))
    row = with_cell(with_cell(LINE_ROW, "name", "別の名前"), "managers", "U0STAFF2")

    result = run(sessions, config, write_csv(tmp_path / "second.csv", JA, [row]))

    assert result.problems == [
        Problem(2, "URL", t("account_import.conflict", value="https://lin.ee/soja", columns="アカウント名, 管理者"))
    ]
