"""Audit exports: the JST day range, and what is read from the database, in order and unchanged."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState

from bot.audit_export import committee_rows, day_range, default_filename, write_csv, write_jsonl
from bot.audit_xlsx import write_xlsx
from storage import audit, audit_query
from storage.audit_query import entries_between
from storage.db import SessionFactory
from storage.models import AuditEntry
from tests.audit_export.rows import NOVEMBER, TOKYO, add, audit_log, jst, november

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


# -- from the database -------------------------------------------------------------------------


def test_exporting_reads_the_log_and_changes_nothing(sessions: SessionFactory, tmp_path: Path) -> None:
    with sessions.begin() as session:
        add(session, jst(2026, 11, 5, 10, 0), before={"status": "open"}, after={"status": "in_progress"})
        add(session, jst(2026, 11, 6, 11, 0), "draft.approved", actor=audit.Actor("U123", "<@U123>"))
        add(session, jst(2026, 12, 6, 11, 0), "outside.range", actor=None)
    snapshot = audit_log(sessions)

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
    assert audit_log(sessions) == snapshot


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
