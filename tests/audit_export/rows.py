"""Audit entries for the export tests: in a database, or as the rows the writers get, and the files read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.audit_export import ExportRow, committee_rows, day_range, write_csv, write_jsonl
from storage import audit
from storage.db import SessionFactory
from storage.models import AuditEntry

TOKYO = ZoneInfo("Asia/Tokyo")
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
HEADERS = ["番号", "日時", "実行者ID", "実行者", "操作", "対象の種類", "対象", "変更前", "変更後", "区分", "ハッシュ",
           "実行者メール"]  # fmt: skip
KEYS = [
    "id", "occurred_at", "actor_id", "actor_name", "action", "entity_type", "entity_id", "before", "after", "private",
    "hash", "actor_email",
]  # fmt: skip


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=TOKYO)  # type: ignore[misc]


def add(session: Session, at: datetime, action: str = "case.opened", **kwargs: Any) -> None:
    kwargs.setdefault("actor", audit.Actor("U1", "観光 一郎"))
    audit.record(session, at=at, action=action, entity_type=kwargs.pop("entity_type", "case"), entity_id=1, **kwargs)


def entry(entry_id: int = 1, at: datetime | None = None, **kwargs: Any) -> ExportRow:
    """A row outside any database, as the writers get it."""
    values: dict[str, Any] = {
        "actor_id": "U1",
        "actor_name": "観光 一郎",
        "actor_email": None,
        "action": "case.resolved",
        "entity_type": "case",
        "entity_id": "SNS-2026-0001",
        "before": {"status": "open"},
        "after": {"status": "resolved", "note": "削除済み"},
        "private": False,
        "hash": "ab" * 32,
    }
    values.update(kwargs)
    return ExportRow(id=entry_id, occurred_at=at or jst(2026, 11, 30, 23, 59).astimezone(UTC), **values)


def csv_rows(entries: Iterable[ExportRow]) -> tuple[bytes, list[list[str]], int]:
    out = io.BytesIO()
    count = write_csv(entries, out, TOKYO)
    raw = out.getvalue()
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))), count


def jsonl_lines(entries: Iterable[ExportRow]) -> tuple[str, int]:
    out = io.BytesIO()
    count = write_jsonl(entries, out, TOKYO)
    return out.getvalue().decode("utf-8"), count


def november(session: Session, *, include_private: bool = False) -> Iterator[ExportRow]:
    return committee_rows(session, *day_range(*NOVEMBER, TOKYO), include_private=include_private)


def audit_log(sessions: SessionFactory) -> tuple[int, list[tuple[Any, ...]]]:
    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry))
        rows = session.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).all()
    return count or 0, [tuple(row) for row in rows]
