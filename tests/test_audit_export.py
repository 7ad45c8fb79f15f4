"""Audit exports for the 情報セキュリティ委員会: the JST day range, and xlsx / CSV / jsonl that open as intended."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from bot import audit_export
from bot.audit_export import (
    COLUMNS,
    ExportRow,
    committee_rows,
    day_range,
    default_filename,
    export_audit_fields,
    write_csv,
    write_jsonl,
    write_xlsx,
)
from storage import audit, audit_query
from storage.audit_query import entries_between
from storage.db import SessionFactory
from storage.models import AuditEntry, Capacity, Case, CaseKind, CaseReporter

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


# -- the range -------------------------------------------------------------------------------


def test_day_range_covers_whole_days_in_the_organisations_timezone() -> None:
    start, end = day_range(*NOVEMBER, TOKYO)
    assert start == datetime(2026, 10, 31, 15, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert start.utcoffset() == end.utcoffset() == timedelta(0)


def test_a_one_day_range_is_that_day() -> None:
    assert day_range(date(2026, 11, 3), date(2026, 11, 3), TOKYO) == (
        jst(2026, 11, 3).astimezone(UTC),
        jst(2026, 11, 4).astimezone(UTC),
    )


def test_a_range_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        day_range(date(2026, 11, 30), date(2026, 11, 1), TOKYO)


def test_entries_between_takes_the_jst_days_inclusive(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        add(session, datetime(2026, 10, 31, 14, 59, 59, tzinfo=UTC), "before.start")  # 10/31 23:59:59 JST
        add(session, datetime(2026, 10, 31, 15, 0, tzinfo=UTC), "first.moment")  # 11/01 00:00 JST
        add(session, jst(2026, 11, 15, 12, 0), "middle")
        add(session, jst(2026, 11, 30, 23, 59, 59), "last.moment")
        add(session, jst(2026, 12, 1, 0, 0), "after.end")
    with sessions() as session:
        actions = [e.action for e in entries_between(session, *day_range(*NOVEMBER, TOKYO))]
    assert actions == ["first.moment", "middle", "last.moment"]


def test_an_actor_named_by_address_is_exported_with_it(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        add(session, jst(2026, 11, 2), actor=audit.Actor("U1", "観光 一郎", email="kanko.head@city.example.jp"))
        add(session, jst(2026, 11, 3))
    with sessions() as session:
        rows = list(committee_rows(session, *day_range(*NOVEMBER, TOKYO), include_private=False))
    assert [r.actor_email for r in rows] == ["kanko.head@city.example.jp", None]


def test_entries_come_in_id_order_across_batches(sessions: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Recorded out of time order (a clock step back, a late write): the export follows the log's own order.
    times = [jst(2026, 11, 20), jst(2026, 11, 2), jst(2026, 11, 25), jst(2026, 11, 1), jst(2026, 11, 10)]
    with sessions.begin() as session:
        for index, at in enumerate(times):
            add(session, at, f"step.{index}")
    monkeypatch.setattr(audit_query, "BATCH_SIZE", 2)
    with sessions() as session:
        found = list(entries_between(session, *day_range(*NOVEMBER, TOKYO)))
    assert [e.action for e in found] == [f"step.{i}" for i in range(len(times))]
    assert [e.id for e in found] == sorted(e.id for e in found)


def test_entries_are_streamed_in_batches(sessions: SessionFactory) -> None:
    seen: list[Any] = []
    with sessions() as session:
        event.listen(session, "do_orm_execute", lambda state: seen.append(_yield_per(state)))
        list(entries_between(session, *day_range(*NOVEMBER, TOKYO)))
    assert seen == [audit_query.BATCH_SIZE]


def _yield_per(state: ORMExecuteState) -> Any:
    return state.execution_options.get("yield_per")


def test_naive_bounds_are_refused(sessions: SessionFactory) -> None:
    with sessions() as session, pytest.raises(ValueError, match="naive"):
        entries_between(session, datetime(2026, 11, 1), datetime(2026, 12, 1, tzinfo=UTC))


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_opens_in_excel_with_japanese_headings_and_offset_times() -> None:
    bot_entry = entry(2, jst(2026, 11, 1, 0, 0), actor_id=None, actor_name=None, before=None)
    guest = entry(3, actor_id="U123", actor_name="<@U123>")
    raw, rows, count = csv_rows([entry(1), bot_entry, guest])

    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: without it Excel reads the file as Shift_JIS
    assert b"\r\n" in raw
    assert rows[0] == HEADERS
    assert count == 3
    assert len(rows) == 4
    first = dict(zip(KEYS, rows[1], strict=True))
    assert first["id"] == "1"
    assert first["occurred_at"] == "2026-11-30T23:59:00+09:00"
    assert first["actor_name"] == "観光 一郎"
    assert json.loads(first["before"]) == {"status": "open"}
    assert json.loads(first["after"]) == {"status": "resolved", "note": "削除済み"}
    assert '"削除済み"' in first["after"]  # readable, not \u escapes
    assert " " not in first["after"]  # compact
    by_bot = dict(zip(KEYS, rows[2], strict=True))
    assert by_bot["occurred_at"] == "2026-11-01T00:00:00+09:00"
    assert (by_bot["actor_id"], by_bot["actor_name"], by_bot["before"]) == ("", "", "")
    assert rows[3][3] == "<@U123>"  # stored display text, shown as it is


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"])
def test_csv_values_that_excel_would_evaluate_get_a_leading_quote(dangerous: str) -> None:
    _, rows, _ = csv_rows([entry(actor_name=dangerous, entity_id=dangerous, action=dangerous)])
    row = dict(zip(KEYS, rows[1], strict=True))
    for key in ("actor_name", "entity_id", "action"):
        assert row[key] == "'" + dangerous
    assert row["entity_type"] == "case"  # ordinary text untouched


def test_csv_of_an_empty_range_is_only_the_heading() -> None:
    raw, rows, count = csv_rows([])
    assert count == 0
    assert rows == [HEADERS]
    assert raw == "\ufeff".encode() + ",".join(HEADERS).encode() + b"\r\n"


def test_csv_leaves_the_callers_stream_open() -> None:
    out = io.BytesIO()
    write_csv([entry()], out, TOKYO)
    assert not out.closed
    out.write(b"more")


# -- jsonl -------------------------------------------------------------------------------------


def test_jsonl_round_trips_every_value() -> None:
    tricky = entry(
        2,
        jst(2026, 11, 2, 9, 30, 15),
        actor_name="=1+1\u2028名前\x85",
        before=None,
        after={"n": [1, None], "half": "\ud83d"},
    )
    text, count = jsonl_lines([entry(1), tricky])

    lines = text.splitlines()  # U+2028 and NEL, raw, would split a line here
    assert count == len(lines) == 2
    assert text.endswith("\n")
    first, second = (json.loads(line) for line in lines)
    assert list(first) == KEYS
    assert first == {
        "id": 1,
        "occurred_at": "2026-11-30T23:59:00+09:00",
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
    assert second["actor_name"] == "=1+1\u2028名前\x85"  # machines get the value exactly: no quote prefix
    assert second["occurred_at"] == "2026-11-02T09:30:15+09:00"
    # A lone surrogate (half an emoji from a Slack payload) cannot be UTF-8: it stays a JSON escape.
    assert (second["before"], second["after"]) == (None, {"n": [1, None], "half": "\ud83d"})


def test_jsonl_of_an_empty_range_is_empty() -> None:
    assert jsonl_lines([]) == ("", 0)


# -- xlsx --------------------------------------------------------------------------------------


def test_xlsx_has_a_frozen_filtered_heading_and_real_local_datetimes(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    entries = [entry(1), entry(2, jst(2026, 11, 1, 0, 0), actor_id=None, actor_name=None, before=None)]
    assert write_xlsx(entries, path, TOKYO) == 2

    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.title == "監査ログ"
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:L3"
    assert sheet.max_row == 3

    when = sheet["B2"]
    assert when.is_date
    assert when.value == datetime(2026, 11, 30, 23, 59)  # Tokyo wall-clock time, naive
    assert when.number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["B3"].value == datetime(2026, 11, 1, 0, 0)
    assert sheet["A2"].value == 1
    assert sheet["D2"].value == "観光 一郎"
    assert json.loads(sheet["H2"].value) == {"status": "open"}
    assert json.loads(sheet["I2"].value) == {"status": "resolved", "note": "削除済み"}
    assert (sheet["C3"].value, sheet["D3"].value, sheet["H3"].value) == (None, None, None)


def test_xlsx_columns_are_wide_enough_to_read(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx([entry()], path, TOKYO)
    dimensions = load_workbook(path).active.column_dimensions
    widths = {key: dimensions[letter].width for key, letter in zip(KEYS, "ABCDEFGHIJKL", strict=True)}
    assert widths["occurred_at"] >= len("2026-11-30 23:59:59")
    assert widths["before"] >= 40
    assert widths["after"] >= 40
    assert all(width > 8 for key, width in widths.items() if key != "id")


def test_xlsx_keeps_formula_looking_text_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    write_xlsx([entry(actor_name='=HYPERLINK("http://x","押して")', entity_id="@SUM(A1)", action="+1")], path, TOKYO)
    sheet = load_workbook(path).active
    for ref, expected in (("D2", '=HYPERLINK("http://x","押して")'), ("G2", "@SUM(A1)"), ("E2", "+1")):
        assert sheet[ref].data_type == "s"  # a formula would be "f"
        assert sheet[ref].value == expected  # no visible quote: the cell is text
        assert sheet[ref].quotePrefix


def test_xlsx_survives_characters_and_lengths_excel_refuses(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    long_text = "あ" * 40000
    write_xlsx([entry(actor_name="ベル\x07\ud83d", after={"text": long_text})], path, TOKYO)
    sheet = load_workbook(path).active
    assert sheet["D2"].value == "ベル\\u0007\\ud83d"  # visible escapes, not a crash
    after = sheet["I2"].value
    assert len(after) == 32767
    assert after.startswith('{"text":"あああ')
    assert after.endswith("全文はCSV/JSONL出力にあります）")


def test_xlsx_of_an_empty_range_is_only_the_heading(tmp_path: Path) -> None:
    path = tmp_path / "audit.xlsx"
    assert write_xlsx([], path, TOKYO) == 0
    sheet = load_workbook(path).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [HEADERS]
    assert sheet.auto_filter.ref == "A1:L1"
    assert sheet.freeze_panes == "A2"


# -- from the database -------------------------------------------------------------------------


def test_exporting_reads_the_log_and_changes_nothing(sessions: SessionFactory, tmp_path: Path) -> None:
    with sessions.begin() as session:
        add(session, jst(2026, 11, 5, 10, 0), before={"status": "open"}, after={"status": "in_progress"})
        add(session, jst(2026, 11, 6, 11, 0), "draft.approved", actor=audit.Actor("U123", "<@U123>"))
        add(session, jst(2026, 12, 6, 11, 0), "outside.range", actor=None)
    snapshot = _audit_log(sessions)

    counts = {}
    # A committing transaction: anything the export changed would be written.
    with sessions.begin() as session:
        counts["csv"] = write_csv(november(session), io.BytesIO(), TOKYO)
        out = io.BytesIO()
        counts["jsonl"] = write_jsonl(november(session), out, TOKYO)
        path = tmp_path / default_filename(*NOVEMBER)
        counts["xlsx"] = write_xlsx(november(session), path, TOKYO)

    assert counts == {"csv": 2, "jsonl": 2, "xlsx": 2}
    exported = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    assert [(e["action"], e["occurred_at"]) for e in exported] == [
        ("case.opened", "2026-11-05T10:00:00+09:00"),
        ("draft.approved", "2026-11-06T11:00:00+09:00"),
    ]
    assert exported[0]["after"] == {"status": "in_progress"}
    assert load_workbook(path).active["B3"].value == datetime(2026, 11, 6, 11, 0)
    assert _audit_log(sessions) == snapshot


def november(session: Session, *, include_private: bool = False) -> Iterator[ExportRow]:
    return committee_rows(session, *day_range(*NOVEMBER, TOKYO), include_private=include_private)


def test_every_row_carries_its_entrys_hash(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        add(session, jst(2026, 11, 5, 10, 0))
        add(session, jst(2026, 11, 6, 10, 0))
    out = io.BytesIO()
    with sessions() as session:
        write_jsonl(november(session), out, TOKYO)
        stored = list(session.scalars(select(AuditEntry.hash).order_by(AuditEntry.seq)))
    assert [json.loads(line)["hash"] for line in out.getvalue().decode().splitlines()] == stored
    assert all(len(h) == 64 for h in stored)


# -- private reports (5(2)③): their content stays out unless asked for -------------------------------


# Case number, the case's capacity, its reports' capacities: the third was reported privately, then widened.
CASES = (
    ("SNS-2026-0001", Capacity.PRIVATE, [Capacity.PRIVATE]),
    ("SNS-2026-0002", Capacity.OFFICIAL, [Capacity.OFFICIAL]),
    ("SNS-2026-0003", Capacity.OFFICIAL, [Capacity.PRIVATE, Capacity.OFFICIAL]),
)


def private_and_official_cases(sessions: SessionFactory) -> None:
    with sessions.begin() as session:
        for number, capacity, reports in CASES:
            case = Case(
                number=number, kind=CaseKind.FLAME, capacity=capacity, summary="概要", created_at=jst(2026, 11, 5),
                discovered_at=jst(2026, 11, 5), reporter_id="U1", reporter_name="観光 一郎",
            )  # fmt: skip
            session.add(case)
            session.flush()
            for n, report in enumerate(reports, start=1):
                session.add(CaseReporter(
                    case_id=case.id, user_id=f"U{n}", user_name="観光 一郎", reported_at=jst(2026, 11, 5),
                    capacity=report, summary="概要", discovered_at=jst(2026, 11, 5), urls=[],
                ))  # fmt: skip
        reporter = audit.Actor("U1", "観光 一郎")
        for number, _, _ in CASES:
            audit.record(session, at=jst(2026, 11, 5, 10), actor=reporter, action="case.created", entity_type="case",
                         entity_id=number, after={"status": "open", "urls": ["https://x.com/a/status/1"]})  # fmt: skip
            audit.record(session, at=jst(2026, 11, 5, 11), actor=audit.Actor("U9", "市政 花子"),
                         action="case.commented", entity_type="case", entity_id=number,
                         after={"text": "本人に確認済み"})  # fmt: skip


def test_a_private_reports_entries_keep_time_action_and_number_but_lose_reporter_urls_and_comments(
    sessions: SessionFactory,
) -> None:
    private_and_official_cases(sessions)
    with sessions() as session:
        rows = list(november(session))

    hidden = [r for r in rows if r.entity_id != "SNS-2026-0002"]  # the widened case holds a private report too
    assert [(r.entity_id, r.action, r.occurred_at, r.private) for r in hidden] == [
        (number, action, jst(2026, 11, 5, hour), True)
        for number in ("SNS-2026-0001", "SNS-2026-0003")
        for action, hour in (("case.created", 10), ("case.commented", 11))
    ]
    assert all((r.actor_id, r.before, r.after) == (None, None, None) for r in hidden)
    assert {r.actor_name for r in hidden} == {"（非公開）"}
    shown = [r for r in rows if r.entity_id == "SNS-2026-0002"]
    assert [(r.actor_name, r.private) for r in shown] == [("観光 一郎", False), ("市政 花子", False)]
    assert shown[1].after == {"text": "本人に確認済み"}

    _, table, _ = csv_rows(rows)
    text = json.dumps(table, ensure_ascii=False)
    assert text.count("観光 一郎") == 1  # the official case's reporter only
    assert text.count("x.com/a/status/1") == 1
    assert text.count("本人に確認済み") == 1
    assert [row[KEYS.index("private")] for row in table[1:]] == ["プライベート"] * 2 + [""] * 2 + ["プライベート"] * 2


def test_include_private_puts_them_in_still_marked(sessions: SessionFactory) -> None:
    private_and_official_cases(sessions)
    with sessions() as session:
        rows = [r for r in november(session, include_private=True) if r.entity_id == "SNS-2026-0001"]
    assert [(r.actor_name, r.private) for r in rows] == [("観光 一郎", True), ("市政 花子", True)]
    assert rows[0].after == {"status": "open", "urls": ["https://x.com/a/status/1"]}
    assert rows[1].after == {"text": "本人に確認済み"}


def test_the_outboxs_entries_about_a_private_cases_messages_are_marked_and_lose_their_channel(
    sessions: SessionFactory,
) -> None:
    private_and_official_cases(sessions)
    with sessions.begin() as session:
        case_ids = {number: case_id for number, case_id in session.execute(select(Case.number, Case.id))}
        # The reporter's DM refused, as the outbox audits it; then a draft's message, about no case.
        subjects = [f"case:{case_ids[number]}" for number, _, _ in CASES] + ["draft:1"]
        for message_id, subject in enumerate(subjects, start=1):
            audit.record(session, at=jst(2026, 11, 5, 12), actor=None, action="outbox.refused", entity_type="outbox",
                         entity_id=message_id, after={"channel": "U1", "method": "post", "subject": subject,
                                                      "error": "invalid_blocks"})  # fmt: skip

    for include_private in (False, True):
        with sessions() as session:
            rows = [r for r in november(session, include_private=include_private) if r.entity_type == "outbox"]
        assert [r.private for r in rows] == [True, False, True, False]
        assert [r.after is None for r in rows] == [not include_private, False, not include_private, False]
        assert [r.entity_id for r in rows] == ["1", "2", "3", "4"]


def test_an_export_with_private_content_is_recorded_as_such() -> None:
    fields = export_audit_fields(*NOVEMBER, TOKYO, "csv", 3, include_private=True)
    assert fields["after"]["include_private"] is True


def _audit_log(sessions: SessionFactory) -> tuple[int, list[tuple[Any, ...]]]:
    with sessions() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry))
        rows = session.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)).all()
    return count or 0, [tuple(row) for row in rows]


# -- names and the export's own audit entry ----------------------------------------------------


def test_default_filename_names_the_range() -> None:
    assert default_filename(*NOVEMBER) == "audit-2026-11-01-2026-11-30.xlsx"
    assert default_filename(*NOVEMBER, "csv") == "audit-2026-11-01-2026-11-30.csv"


def test_the_export_is_recorded_with_range_format_and_row_count(sessions: SessionFactory) -> None:
    fields = export_audit_fields(*NOVEMBER, TOKYO, "xlsx", 42)
    with sessions.begin() as session:
        audit.record(session, at=jst(2026, 12, 1, 9, 0), actor=None, **fields)
    with sessions() as session:
        (recorded,) = session.scalars(select(AuditEntry)).all()
    assert recorded.action == "audit.exported"
    assert recorded.entity_type == "audit_log"
    assert recorded.entity_id == "2026-11-01/2026-11-30"
    assert recorded.after == {
        "from": "2026-11-01",
        "to": "2026-11-30",
        "timezone": "Asia/Tokyo",
        "format": "xlsx",
        "rows": 42,
        "include_private": False,
    }


def test_columns_pair_english_keys_with_japanese_headings() -> None:
    assert [(c.key, c.header) for c in COLUMNS] == list(zip(KEYS, HEADERS, strict=True))
    assert audit_export.FORMATS == ("xlsx", "csv", "jsonl")
