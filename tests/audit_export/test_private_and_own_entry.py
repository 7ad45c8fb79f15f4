"""Private reports (5(2)③) in the audit export, the file's name and the export's own audit entry."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot import audit_export
from bot.audit_export import COLUMNS, default_filename, export_audit_fields
from storage import audit
from storage.db import SessionFactory
from storage.models import AuditEntry, Capacity, Case, CaseKind, CaseReporter
from tests.audit_export.rows import HEADERS, KEYS, NOVEMBER, TOKYO, csv_rows, jst, november

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
