"""The files `sns-bot accounts import` is given in tests: headers, good rows, and writers for CSV and xlsx."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.config import Config
from handlers.account.importer import ImportResult, import_accounts
from storage.db import SessionFactory
from storage.models import Account, AuditEntry

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


def bad(column: str, value: str) -> list[list[str]]:
    """X_ROW and NOTE_ROW around one bad row (line 3)."""
    return [X_ROW, with_cell(LINE_ROW, column, value), NOTE_ROW]
