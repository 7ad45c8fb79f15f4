"""`sns-bot accounts import`: the accounts already in use are registered all at once, or not at all."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.catalog import t
from bot.config import Config, load_config
from bot.spreadsheet import cell_text
from handlers.account import importer
from handlers.account.importer import ImportResult, Problem, import_accounts, read_rows
from storage.db import SessionFactory
from storage.models import Account, AccountState, AuditEntry, Platform

ROOT = Path(__file__).resolve().parents[1]
TOKYO = ZoneInfo("Asia/Tokyo")
# 00:30 on 10 April in Tokyo, still 9 April in UTC: "today" and "future" must be the city's dates.
NOW = datetime(2026, 4, 9, 15, 30, tzinfo=UTC)
TODAY = date(2026, 4, 10)

JA = [
    "種類",
    "アカウント名",
    "URL",
    "所属",
    "管理者",
    "パスワード変更日",
    "振り返り間隔日数",
    "前回振り返り日",
    "運用ポリシーURL",
]
EN = [
    "platform",
    "name",
    "url",
    "department",
    "managers",
    "password_changed_on",
    "review_interval_days",
    "last_review_on",
    "public_policy_url",
]
POLICY = "https://www.city.soja.okayama.jp/policy/line.html"
X_ROW = [
    "Twitter",
    "総社市観光（X）",
    "https://x.com/soja_kanko",
    "kanko",
    "U0STAFF1 U0STAFF2",
    "2026-01-15",
    "",
    "",
    "",
]
LINE_ROW = [
    "LINE",
    "総社市公式LINE",
    "https://lin.ee/soja",
    "kanko",
    "U0STAFF1",
    "2025-12-01",
    "90",
    "2026-03-01",
    POLICY,
]
# Changed today (Tokyo), which is tomorrow in UTC.
NOTE_ROW = ["その他", "そうじゃ note", "https://note.com/soja", "kanko", "U0STAFF2", "2026-04-10", "365", "", ""]
GOOD = [X_ROW, LINE_ROW, NOTE_ROW]


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT / "app.yaml")


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], *, bom: bool = False) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # as Excel writes it
    writer.writerows([header, *rows])
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


def run(sessions: SessionFactory, config: Config, path: Path, now: datetime = NOW) -> ImportResult:
    with sessions.begin() as session:
        return import_accounts(session, config, path, now=now, timezone=TOKYO)


def registered(sessions: SessionFactory) -> dict[str, Account]:
    with sessions() as session:
        return {account.url: account for account in session.scalars(select(Account))}


def account_count(sessions: SessionFactory) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Account)) or 0


def audit_entries(sessions: SessionFactory) -> list[AuditEntry]:
    with sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def with_cell(row: Sequence[str], column: str, value: str) -> list[str]:
    changed = list(row)
    changed[EN.index(column)] = value
    return changed


# -- good files -----------------------------------------------------------------------------------------------------


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


def xlsx_rows() -> list[list[object]]:
    """GOOD as a person types it in Excel: real date cells and numbers."""
    rows: list[list[object]] = []
    for row in GOOD:
        cells: list[object] = list(row)
        for column in ("password_changed_on", "last_review_on"):
            if text := row[EN.index(column)]:
                cells[EN.index(column)] = date.fromisoformat(text)
        if text := row[EN.index("review_interval_days")]:
            cells[EN.index("review_interval_days")] = int(text)
        rows.append([cell if cell != "" else None for cell in cells])
    return rows


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(list(row))
    sheet.cell(row=len(rows) + 4, column=1, value=" ")  # Excel's trailing rows that only look blank
    workbook.save(path)
    return path


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


# -- re-importing -----------------------------------------------------------------------------------------------------


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


# -- bad rows -------------------------------------------------------------------------------------------------------


def bad(column: str, value: str) -> list[list[str]]:
    """X_ROW and NOTE_ROW around one bad row (line 3)."""
    return [X_ROW, with_cell(LINE_ROW, column, value), NOTE_ROW]


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


# -- lenient where Excel gets in the way ------------------------------------------------------------------------------


def test_labels_and_excel_dates_are_accepted(sessions: SessionFactory, config: Config, tmp_path: Path) -> None:
    rows = [
        with_cell(with_cell(X_ROW, "platform", "x"), "password_changed_on", "2026/1/5"),
        with_cell(with_cell(LINE_ROW, "platform", "ＬＩＮＥ"), "managers", "U0STAFF1, U0STAFF2　U0STAFF1"),
        with_cell(NOTE_ROW, "platform", "note"),
    ]

    result = run(sessions, config, write_csv(tmp_path / "accounts.csv", EN, rows))

    assert result.problems == []
    accounts = registered(sessions)
    assert accounts["https://x.com/soja_kanko"].password_changed_on == date(2026, 1, 5)
    assert accounts["https://lin.ee/soja"].platform == Platform.LINE
    assert accounts["https://lin.ee/soja"].managers == ["U0STAFF1", "U0STAFF2"]
    assert accounts["https://note.com/soja"].platform == Platform.NOTE


PLATFORM_LABELS = [
    ("X", "x"),
    ("twitter", "x"),
    ("Facebook", "facebook"),
    ("INSTAGRAM", "instagram"),
    ("YouTube", "youtube"),
    ("その他", "other"),
]


@pytest.mark.parametrize(("label", "platform"), PLATFORM_LABELS)
def test_platform_labels(sessions: SessionFactory, config: Config, tmp_path: Path, label: str, platform: str) -> None:
    path = write_csv(tmp_path / "accounts.csv", EN, [with_cell(X_ROW, "platform", label)])

    assert run(sessions, config, path).imported == 1
    assert registered(sessions)["https://x.com/soja_kanko"].platform == platform


# -- files that cannot be read ----------------------------------------------------------------------------------------


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
