"""Bad rows: each is reported by its line and column, and nothing is imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import t
from bot.config import Config
from handlers.account import importer
from handlers.account.importer import ImportResult, Problem
from storage.db import SessionFactory
from tests.account_import.rows import (
    EN,
    GOOD,
    JA,
    LINE_ROW,
    NOTE_ROW,
    X_ROW,
    account_count,
    audit_entries,
    bad,
    run,
    with_cell,
    write_csv,
    write_xlsx,
    xlsx_rows,
)

BAD_ROWS = [
    ("department", "kankou", t("account_import.unknown_department", value="kankou")),
    ("department", "観光プロモーション課", t("account_import.unknown_department", value="観光プロモーション課")),
    ("managers", "U0STAFF1 taro", t("account_import.bad_user_id", value="taro")),
    ("managers", "u0staff1", t("account_import.bad_user_id", value="u0staff1")),
    ("managers", "", t("account_import.required")),
    ("password_changed_on", "2025-13-01", t("account_import.bad_date", value="2025-13-01")),
    ("password_changed_on", "2025年12月1日", t("account_import.bad_date", value="2025年12月1日")),
    ("password_changed_on", "2026-04-11", t("account_import.future_date", value="2026-04-11")),
    ("password_changed_on", "", t("account_import.required")),
    ("last_review_on", "2026-02-30", t("account_import.bad_date", value="2026-02-30")),
    ("platform", "TikTok", t("account_import.unknown_platform", value="TikTok")),
    ("platform", "", t("account_import.required")),
    ("review_interval_days", "0", t("account_import.bad_interval", value="0", limit=importer.REVIEW_INTERVAL_LIMIT)),
    (
        "review_interval_days",
        "-30",
        t("account_import.bad_interval", value="-30", limit=importer.REVIEW_INTERVAL_LIMIT),
    ),
    (
        "review_interval_days",
        "半年",
        t("account_import.bad_interval", value="半年", limit=importer.REVIEW_INTERVAL_LIMIT),
    ),
    (
        "review_interval_days",
        "99999",
        t("account_import.bad_interval", value="99999", limit=importer.REVIEW_INTERVAL_LIMIT),
    ),
    ("name", "", t("account_import.required")),
    ("name", "あ" * 201, t("account_import.name_too_long", limit=200)),
    ("url", "", t("account_import.required")),
    ("url", "lin.ee/soja", t("account_import.bad_url", value="lin.ee/soja")),
    ("url", "ftp://lin.ee/soja", t("account_import.bad_url", value="ftp://lin.ee/soja")),
    (
        "url",
        "https://lin.ee/a https://lin.ee/b",
        t("account_import.bad_url", value="https://lin.ee/a https://lin.ee/b"),
    ),
    ("public_policy_url", "see website", t("account_import.bad_url", value="see website")),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_imported(
    sessions: SessionFactory, config: Config, tmp_path: Path, column: str, value: str, message: str
) -> None:
    path = write_csv(tmp_path / "accounts.csv", EN, bad(column, value))

    result = run(sessions, config, path)

    assert result == ImportResult(imported=0, unchanged=0, problems=[Problem(3, column, message)])
    assert account_count(sessions) == 0
    assert audit_entries(sessions) == []


def test_a_problem_names_the_column_as_written(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", JA, bad("department", "kankou"), bom=True)

    [problem] = run(sessions, config, path).problems

    assert str(problem) == "3行目 所属: 'kankou' は設定にない部署IDです"


def test_the_message_format() -> None:
    assert (
        str(Problem(3, "department", "'kankou' は設定にない部署IDです"))
        == "3行目 department: 'kankou' は設定にない部署IDです"
    )
    assert str(Problem(4, "", "x")) == "4行目: x"
    assert str(Problem(0, "", "読めません")) == "読めません"


def test_a_duplicate_url_in_the_file(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    # twitter.com and x.com, www or not: one account.
    again = with_cell(with_cell(X_ROW, "url", "https://www.twitter.com/soja_kanko"), "name", "別名")
    path = write_csv(tmp_path / "accounts.csv", EN, [X_ROW, LINE_ROW, again])

    result = run(sessions, config, path)

    message = t("account_import.duplicate_url", value="https://www.twitter.com/soja_kanko", first=2)
    assert result.problems == [Problem(4, "url", message)]
    assert account_count(sessions) == 0


def test_an_unknown_column(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", [*JA, "備考"], [[*row, "メモ"] for row in GOOD])

    result = run(sessions, config, path)

    assert [(p.line, p.column) for p in result.problems] == [(1, "備考")]
    assert "'備考' は使えない列名です" in result.problems[0].message
    assert result.imported == 0
    assert account_count(sessions) == 0


def test_missing_and_repeated_columns(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    header = ["platform", "name", "url", "アカウント名", "managers", "password_changed_on"]  # no department
    rows = [
        [row[EN.index(c)] for c in ("platform", "name", "url", "name", "managers", "password_changed_on")]
        for row in GOOD
    ]

    result = run(sessions, config, write_csv(tmp_path / "accounts.csv", header, rows))

    assert result.problems == [
        Problem(1, "アカウント名", t("account_import.duplicate_column", first="name")),
        Problem(1, "department", t("account_import.missing_column", japanese="所属")),
    ]
    assert account_count(sessions) == 0


def test_a_value_without_a_header(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", EN, [X_ROW, [*LINE_ROW, "", "はみ出し"]])

    result = run(sessions, config, path)

    assert result.problems == [Problem(3, "11列目", t("account_import.unnamed_value"))]
    assert account_count(sessions) == 0


def test_every_problem_is_reported(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    rows = [
        X_ROW,
        with_cell(with_cell(LINE_ROW, "department", "kankou"), "password_changed_on", "2025/13/01"),
        with_cell(NOTE_ROW, "platform", "mixi"),
        with_cell(X_ROW, "name", "重複"),
    ]

    result = run(sessions, config, write_csv(tmp_path / "accounts.csv", JA, rows))

    assert [(p.line, p.column) for p in result.problems] == [
        (3, "所属"),
        (3, "パスワード変更日"),
        (4, "種類"),
        (5, "URL"),
    ]
    assert result.imported == 0
    assert account_count(sessions) == 0


def test_a_bad_row_in_xlsx_is_reported_by_its_sheet_row(
    sessions: SessionFactory, config: Config, tmp_path: Path
) -> None:
    rows = xlsx_rows()
    rows[1][EN.index("department")] = "kankou"
    path = write_xlsx(tmp_path / "accounts.xlsx", EN, [rows[0], [None] * len(EN), rows[1], rows[2]])

    result = run(sessions, config, path)

    assert result.problems == [Problem(4, "department", t("account_import.unknown_department", value="kankou"))]
    assert account_count(sessions) == 0
