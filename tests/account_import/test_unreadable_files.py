"""Files that cannot be read: each says why, and nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import t
from bot.config import Config
from handlers.account.importer import ImportResult, Problem, import_accounts
from storage.db import SessionFactory
from tests.account_import.rows import EN, NOW, TOKYO, X_ROW, account_count, bad, run, write_csv


def test_a_shift_jis_csv_says_where_and_how_to_fix_it(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(",".join(EN).encode() + b"\r\n" + ",".join(X_ROW).encode("cp932") + b"\r\n")

    result = run(sessions, config, path)

    assert result == ImportResult(0, 0, [Problem(2, "", t("spreadsheet.not_utf8"))])
    assert account_count(sessions) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("accounts.xls", b"\xd0\xcf\x11\xe0", t("spreadsheet.xls", file="accounts.xls")),
        ("accounts.xlsx", b"not a zip", t("spreadsheet.not_xlsx", file="accounts.xlsx")),
    ],
)
def test_files_that_are_no_spreadsheet(
    sessions: SessionFactory, config: Config, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    assert run(sessions, config, path) == ImportResult(0, 0, [Problem(0, "", message)])


def test_a_missing_file(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    [problem] = run(sessions, config, tmp_path / "nothing.csv").problems

    assert problem.line == 0
    assert problem.message.startswith("nothing.csv を読めません")


def test_an_empty_file_has_no_header(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"\xef\xbb\xbf")

    assert run(sessions, config, path) == ImportResult(0, 0, [Problem(1, "", t("account_import.no_header"))])


def test_nothing_is_added_to_the_session_on_a_problem(config: Config, sessions: SessionFactory, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", EN, bad("department", "kankou"))
    with sessions() as session:
        result = import_accounts(session, config, path, now=NOW, timezone=TOKYO)

        assert result.problems
        assert not session.new
