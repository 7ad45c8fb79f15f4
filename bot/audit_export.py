"""Exports of the audit trail: evidence for the 情報セキュリティ委員会 (guideline 6(1)).

``export_audit`` is the one use case, for ``sns-bot export audit`` and ``/sns-account export`` alike: it decides
who may, reads rows with ``committee_rows(session, *day_range(...), include_private=...)``, hands them to one
writer and audits the export. Entries about a private report (プライベート; the outbox's entries about its
messages too) keep their time, action, case number (or message id) and hash but lose their actor and payloads
unless private content is asked for (``--include-private``):
what a member of staff reported in their private capacity is for their 所属長 and 市政情報課 only (5(2)③).
The committee works in Excel, so xlsx is the default and CSV is shaped to open
correctly in Excel too; jsonl is for machines and keeps every value exactly.

Writers only read the entries. They return the number of entries written (the header row not counted),
which the caller records with ``export_audit_fields`` in its own transaction once the export has succeeded.
Every row carries the entry's hash: ``sns-bot audit verify`` vouches for the chain they belong to.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, BinaryIO, Literal, NamedTuple

from sqlalchemy.orm import Session

from bot.catalog import t
from bot.directory import Directory
from storage import audit
from storage.audit_query import PrivateCases, entries_between, private_cases
from storage.db import SessionFactory
from storage.models import AuditEntry

Format = Literal["xlsx", "csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("xlsx", "csv", "jsonl")

EXPORTED_ACTION = "audit.exported"
DENIED_ACTION = "audit.export_denied"


class Column(NamedTuple):
    key: str  # the jsonl key and ExportRow attribute
    header: str  # the CSV / xlsx heading


COLUMNS: tuple[Column, ...] = (
    Column("id", "番号"),
    Column("occurred_at", "日時"),
    Column("actor_id", "実行者ID"),
    Column("actor_name", "実行者"),
    Column("action", "操作"),
    Column("entity_type", "対象の種類"),
    Column("entity_id", "対象"),
    Column("before", "変更前"),
    Column("after", "変更後"),
    Column("private", "区分"),
    Column("hash", "ハッシュ"),
    Column("actor_email", "実行者メール"),  # added after the others: their columns keep their places
)


@dataclass(frozen=True)
class ExportRow:
    """One audit entry as the export shows it: redacted when it is about a private report."""

    id: int
    occurred_at: datetime
    actor_id: str | None
    actor_name: str | None
    actor_email: str | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    private: bool
    hash: str | None


def committee_rows(session: Session, start: datetime, end: datetime, *, include_private: bool) -> Iterator[ExportRow]:
    """The entries with ``start <= occurred_at < end`` as export rows, streamed (see ``entries_between``)."""
    private = private_cases(session)  # read before the entries start streaming
    return export_rows(entries_between(session, start, end), private, include_private=include_private)


def export_rows(entries: Iterable[AuditEntry], private: PrivateCases, *, include_private: bool) -> Iterator[ExportRow]:
    """Entries about a private case (its own, and the outbox's about its messages) are marked; without
    ``include_private`` they lose the actor (a private report's actor is its reporter) and before/after
    (URLs, 概要, comments; the outbox's channel, the reporter's DM among them)."""
    for entry in entries:
        is_private = private.about(entry)
        hidden = is_private and not include_private
        yield ExportRow(
            id=entry.id,
            occurred_at=entry.occurred_at,
            actor_id=None if hidden else entry.actor_id,
            actor_name=t("audit.redacted") if hidden else entry.actor_name,
            actor_email=None if hidden else entry.actor_email,
            action=entry.action,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            before=None if hidden else entry.before,
            after=None if hidden else entry.after,
            private=is_private,
            hash=entry.hash,
        )


# Excel (and LibreOffice) start a formula with these; Japanese Excel also accepts the full-width forms.
FORMULA_STARTS = tuple("=+-@\t\r＝＋－＠")
# Line breaks to str.splitlines() that json.dumps(ensure_ascii=False) leaves raw: escaped, a JSON line stays one line.
_JSON_LINE_BREAKS = re.compile("[\x85\u2028\u2029]")
_BOM = "\ufeff".encode()


def day_range(first: date, last: date, timezone: tzinfo) -> tuple[datetime, datetime]:
    """The days ``first``..``last`` (inclusive) in ``timezone`` as aware UTC ``[start, end)``."""
    if last < first:
        raise ValueError(f"the range ends ({last.isoformat()}) before it starts ({first.isoformat()})")
    start = datetime.combine(first, time(), tzinfo=timezone)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=timezone)
    return start.astimezone(UTC), end.astimezone(UTC)


def default_filename(first: date, last: date, fmt: Format = "xlsx") -> str:
    return f"audit-{first.isoformat()}-{last.isoformat()}.{fmt}"


def export_audit_fields(
    first: date, last: date, timezone: tzinfo, fmt: Format, rows: int, *, include_private: bool = False
) -> dict[str, Any]:
    """Keyword arguments for ``storage.audit.record`` describing an export:
    ``audit.record(session, at=clock.now(), actor=actor, **export_audit_fields(...))``."""
    return {
        "action": EXPORTED_ACTION,
        "entity_type": "audit_log",
        "entity_id": f"{first.isoformat()}/{last.isoformat()}",  # an ISO 8601 interval
        "after": {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "timezone": str(timezone),
            "format": fmt,
            "rows": rows,
            "include_private": include_private,
        },
    }


def write_csv(entries: Iterable[ExportRow], out: BinaryIO, timezone: tzinfo) -> int:
    """CSV for Excel: UTF-8 with a BOM (without it Excel reads Shift_JIS), CRLF, Japanese headings,
    ISO 8601 times with their offset, before/after as compact JSON. ``out`` is a binary stream
    (a file opened "wb", ``sys.stdout.buffer``) so the encoding is ours, not the locale's; it is left open.
    Values Excel would run as a formula get a leading ``'``."""
    out.write(_BOM)
    # backslashreplace: a lone surrogate from a JSON value becomes its JSON escape rather than aborting the export.
    text = io.TextIOWrapper(out, encoding="utf-8", errors="backslashreplace", newline="")
    try:
        writer = csv.writer(text)  # csv's default dialect is Excel's: quoting and CRLF as Excel writes them
        writer.writerow(column.header for column in COLUMNS)
        rows = 0
        for entry in entries:
            values = row_values(entry)
            values["occurred_at"] = entry.occurred_at.astimezone(timezone).isoformat()
            writer.writerow(_neutralise(values[column.key]) for column in COLUMNS)
            rows += 1
    finally:
        text.flush()
        text.detach()  # the caller owns ``out``: closing the wrapper would close it
    return rows


def write_jsonl(entries: Iterable[ExportRow], out: BinaryIO, timezone: tzinfo) -> int:
    """One JSON object per line (UTF-8, no BOM) with the English ``COLUMNS`` keys, ISO 8601 times with
    their offset and before/after as JSON objects: every value exactly as stored. ``out`` is binary, left open."""
    rows = 0
    for entry in entries:
        record = {column.key: getattr(entry, column.key) for column in COLUMNS}
        record["occurred_at"] = entry.occurred_at.astimezone(timezone).isoformat()
        line = _JSON_LINE_BREAKS.sub(json_escape, _compact_json(record))
        out.write(line.encode("utf-8", "backslashreplace") + b"\n")
        rows += 1
    return rows


def row_values(entry: ExportRow) -> dict[str, Any]:
    """The cells shared by CSV and xlsx; occurred_at is left for each format to render."""
    return {
        "id": entry.id,
        "occurred_at": None,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,  # stored display text (mrkdwn-safe), shown as it is
        "actor_email": entry.actor_email,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "before": None if entry.before is None else _compact_json(entry.before),
        "after": None if entry.after is None else _compact_json(entry.after),
        "private": t("report.capacity.private.short") if entry.private else None,
        "hash": entry.hash,
    }


def _compact_json(value: Any) -> str:
    # Japanese stays readable; key order stays as recorded.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_escape(match: re.Match[str]) -> str:
    # These characters only occur inside JSON strings, where \uXXXX is their exact escape.
    return f"\\u{ord(match.group()):04x}"


def _neutralise(value: Any) -> Any:
    """CSV injection: a leading quote makes Excel show the text instead of evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportRequest:
    """An export asked for: by the operator at the command line (``user_id`` None), or in Slack by a person,
    who must be a 市政情報課 member and never gets private reports' content."""

    first: date
    last: date
    fmt: Format = "xlsx"
    include_private: bool = False
    user_id: str | None = None


def export_audit(
    sessions: SessionFactory, directory: Directory, now: datetime, request: ExportRequest, out: Path | BinaryIO
) -> int | None:
    """Writes the audit log between two days (inclusive, in the organisation's zone) to ``out`` and audits the
    export, saying which; returns its rows, or None when the asker may not (the attempt is audited too).
    Raises ValueError for a period that is no period, before anything is written."""
    user = request.user_id
    actor = directory.actor(user) if user else None
    if user is not None and (request.include_private or not directory.is_public_info(user)):
        with sessions.begin() as session:
            audit.record(session, at=now, actor=actor, action=DENIED_ACTION, entity_type="audit_log", entity_id="-",
                         after={})  # fmt: skip
        return None
    start, end = day_range(request.first, request.last, directory.timezone)
    with sessions() as session:
        entries = committee_rows(session, start, end, include_private=request.include_private)
        rows = _write(request.fmt, entries, out, directory.timezone)
    with sessions.begin() as session:
        fields = export_audit_fields(
            request.first, request.last, directory.timezone, request.fmt, rows, include_private=request.include_private
        )
        audit.record(session, at=now, actor=actor, **fields)
    return rows


def _write(fmt: Format, entries: Iterable[ExportRow], out: Path | BinaryIO, timezone: tzinfo) -> int:
    if fmt == "xlsx":
        from bot.audit_xlsx import write_xlsx  # openpyxl weighs ~13 MB and 0.1 s: loaded by the first export

        return write_xlsx(entries, out, timezone)
    writer = write_csv if fmt == "csv" else write_jsonl
    if not isinstance(out, Path):
        return writer(entries, out, timezone)
    with out.open("wb") as stream:
        return writer(entries, stream, timezone)
