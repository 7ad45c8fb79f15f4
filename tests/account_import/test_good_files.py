"""`sns-bot accounts import` of good files: CSV with either headers, and xlsx with real dates."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.config import Config
from bot.spreadsheet import cell_text
from handlers.account import importer
from handlers.account.importer import ImportResult, read_rows
from storage.db import SessionFactory
from storage.models import AccountState, Platform
from tests.account_import.rows import (
    EN,
    GOOD,
    JA,
    NOW,
    POLICY,
    TODAY,
    audit_entries,
    registered,
    run,
    write_csv,
    write_xlsx,
    xlsx_rows,
)


def assert_good_rows_registered(sessions: SessionFactory, path: Path) -> None:
    accounts = registered(sessions)
    assert sorted(accounts) == ["https://lin.ee/soja", "https://note.com/soja", "https://x.com/soja_kanko"]
    x, line, note = (
        accounts["https://x.com/soja_kanko"],
        accounts["https://lin.ee/soja"],
        accounts["https://note.com/soja"],
    )
    for account in (x, line, note):
        assert account.state == AccountState.ACTIVE
        assert account.application_id is None
        assert account.department_id == "kanko"
        assert account.department_name == "観光プロモーション課"
        assert account.registered_at == NOW
        assert account.registered_by == importer.REGISTERED_BY
        assert account.password_snooze_on is None
    assert (x.platform, line.platform, note.platform) == (Platform.X, Platform.LINE, Platform.OTHER)
    assert x.name == "総社市観光（X）"
    assert x.managers == ["U0STAFF1", "U0STAFF2"]
    # Empty cells: the configured interval, and the import date (Tokyo's) as the last review.
    assert (x.review_interval_days, x.last_review_on, x.public_policy_url) == (180, TODAY, None)
    assert x.password_changed_on == date(2026, 1, 15)
    assert (line.review_interval_days, line.last_review_on, line.public_policy_url) == (90, date(2026, 3, 1), POLICY)
    assert line.password_changed_on == date(2025, 12, 1)
    assert (note.password_changed_on, note.review_interval_days, note.last_review_on) == (TODAY, 365, TODAY)

    entries = audit_entries(sessions)
    per_account = [entry for entry in entries if entry.action == importer.AUDIT_ACCOUNT]
    assert [(entry.entity_type, entry.entity_id) for entry in per_account] == [
        ("account", str(x.id)),
        ("account", str(line.id)),
        ("account", str(note.id)),
    ]
    assert all(entry.actor_id is None and entry.occurred_at == NOW for entry in entries)
    assert [(entry.after or {})["line"] for entry in per_account] == [2, 3, 4]
    assert {(entry.after or {})["file"] for entry in per_account} == {path.name}
    assert (per_account[1].after or {})["public_policy_url"] == POLICY
    [summary] = [entry for entry in entries if entry.action == importer.AUDIT_SUMMARY]
    assert summary.entity_type == "import"
    assert summary.entity_id == hashlib.sha256(path.read_bytes()).hexdigest()
    assert summary.after == {"file": path.name, "imported": 3, "unchanged": 0, "accounts": [x.id, line.id, note.id]}
    assert len(entries) == 4


def test_japanese_headers_with_a_bom(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", JA, GOOD, bom=True)

    result = run(sessions, config, path)

    assert result == ImportResult(imported=3, unchanged=0, problems=[])
    assert_good_rows_registered(sessions, path)


def test_english_headers_without_a_bom(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", EN, GOOD)

    result = run(sessions, config, path)

    assert result == ImportResult(imported=3, unchanged=0, problems=[])
    assert_good_rows_registered(sessions, path)


def test_xlsx_with_date_cells(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "accounts.xlsx", JA, xlsx_rows())

    result = run(sessions, config, path)

    assert result == ImportResult(imported=3, unchanged=0, problems=[])
    assert_good_rows_registered(sessions, path)


def test_read_rows_of_xlsx_gives_text_and_sheet_row_numbers(tmp_path: Path) -> None:
    rows = xlsx_rows()
    path = write_xlsx(tmp_path / "accounts.xlsx", EN, [rows[0], [None] * len(EN), rows[1]])

    header, read = read_rows(path)

    assert header == EN
    assert [line for line, _ in read] == [2, 4]  # the blank row 3 and the trailing ones are skipped
    assert read[1][1]["password_changed_on"] == "2025-12-01"
    assert read[1][1]["review_interval_days"] == "90"
    assert read[0][1]["last_review_on"] == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 1, 5, 0, 0), "2026-01-05"),
        (date(2026, 1, 5), "2026-01-05"),
        (180, "180"),
        (180.0, "180"),  # a whole number some writers store as 180.0
        (None, ""),
        ("U0STAFF1", "U0STAFF1"),
    ],
)
def test_xlsx_cells_read_as_a_csv_would_hold_them(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_read_rows_of_csv_numbers_rows_by_their_first_line(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text('platform,name\nx,"two\nlines"\n\nline,LINE,extra\nother\n', encoding="utf-8")

    header, rows = read_rows(path)

    assert header == ["platform", "name"]
    assert rows == [
        (2, {"platform": "x", "name": "two\nlines"}),
        (5, {"platform": "line", "name": "LINE", "3列目": "extra"}),
        (6, {"platform": "other", "name": ""}),
    ]
