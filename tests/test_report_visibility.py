"""The who-sees-what table (handlers/report/visibility.py): README holds it, and shown_to grants exactly
what it says, for every content kind, audience and capacity."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import t
from handlers.report import visibility
from handlers.report.domain import UNNAMED, ReportPart, Seat, Snapshot
from handlers.report.views.copy import CopyRenderer
from handlers.report.visibility import Content, Sees, Viewer, sees, sees_case, sees_event, shown_to, viewer_of
from storage.models import Audience, Capacity, CaseKind, CaseStatus
from tests.support.report import strings

README = Path(__file__).resolve().parents[1] / "README.md"
NOW = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
REPORTER = "U0REPORTER"
# One seat per column, placed relative to a report of 観光 (kanko) filed by REPORTER.
SEATS = {
    Viewer.REPORTER: Seat(Audience.REPORTER, REPORTER),
    Viewer.OWN_HEAD: Seat(Audience.HEAD, "U0HEADKANKO", "kanko", "観光 一郎"),
    Viewer.PUBLIC_INFO: Seat(Audience.PUBLIC_INFO, "C0PUBLICINFO", name="市政情報課"),
    Viewer.SECRETARIAT: Seat(Audience.SECRETARIAT, "C0SECRETARIAT", name="秘書室"),
    Viewer.GENERAL_AFFAIRS: Seat(Audience.GENERAL_AFFAIRS, "C0GENERAL", name="総務課"),
    Viewer.OTHER_HEAD: Seat(Audience.HEAD, "U0HEADHISHO", "hisho", "秘書 課長"),
    Viewer.SECURITY_OFFICER: Seat(Audience.SECURITY_OFFICER, "U0SECOFFICER", name="情報 守"),
    Viewer.COMMITTEE: Seat(Audience.SECURITY_COMMITTEE, "C0SECCOMMITTEE", name="情報セキュリティ委員会"),
    Viewer.ANYONE: Seat(Audience.REPORTER, "U0SOMEONEELSE"),
}


def report(
    capacity: Capacity, user_id: str = REPORTER, department: str | None = "kanko", tag: str = "a", at: datetime = NOW
) -> ReportPart:
    return ReportPart(
        user_id=user_id,
        name=f"name-{tag}",
        capacity=capacity,
        summary=f"summary-{tag}",
        account=f"account-{tag}",
        discovered_at=NOW,
        department_id=department,
        department_name=f"department-{tag}",
        urls=(f"https://example.com/{tag}",),
        reported_at=at,
    )


def case(*reports: ReportPart, kind: CaseKind = CaseKind.FLAME) -> Snapshot:
    capacity = Capacity.OFFICIAL if any(r.capacity == Capacity.OFFICIAL for r in reports) else Capacity.PRIVATE
    return Snapshot(
        id=1,
        number="SNS-2026-0001",
        kind=kind,
        capacity=capacity,
        status=CaseStatus.RESOLVED,
        summary=reports[0].summary,
        account=reports[0].account,
        urls=[u for r in reports for u in r.urls],
        discovered_at=NOW,
        created_at=NOW,
        department_name=reports[0].department_name,
        reporter_name=reports[0].name,
        reporter_count=len(reports),
        acknowledged=None,
        resolved=("観光 一郎", NOW, "handled", None),
        officer_notified=None,
        committee_reported=None,
        checklist={"facts_checked": ("観光 一郎", NOW, None)},
        recipients=[s.name for s in SEATS.values() if s.name],
        department_id="kanko",
        reports=reports,
        named=reports,
        copies=tuple(s for s in SEATS.values() if s.audience != Audience.REPORTER),
    )


def shows(shown: Snapshot, content: Content, tag: str = "a") -> bool:
    """Whether a filtered snapshot still carries ``content`` of report ``tag``."""
    found = {
        Content.REPORTER: f"name-{tag}" in shown.reporter_name or any(r.name == f"name-{tag}" for r in shown.named),
        Content.SUMMARY: shown.summary == f"summary-{tag}" or any(r.summary == f"summary-{tag}" for r in shown.reports),
        Content.DEPARTMENT: f"department-{tag}" in (shown.department_name or ""),
        Content.URLS: f"https://example.com/{tag}" in shown.urls,
    }
    return found[content]


def test_the_readme_holds_the_table() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- who-sees-what:start -->\n(.*?)\n<!-- who-sees-what:end -->", text, re.S)
    assert found is not None, "README lacks the who-sees-what table"
    assert found.group(1) == visibility.markdown_table()


def test_each_seat_is_the_viewer_its_column_names() -> None:
    assert {viewer: viewer_of(seat, report(Capacity.PRIVATE)) for viewer, seat in SEATS.items()} == {
        viewer: viewer for viewer in Viewer
    }


def test_a_private_report_is_for_its_reporter_their_head_and_public_info_only() -> None:
    allowed = {v for v in Viewer if all(sees(c, v, Capacity.PRIVATE) for c in visibility.REPORT_CONTENT)}
    assert allowed == {Viewer.REPORTER, Viewer.OWN_HEAD, Viewer.PUBLIC_INFO}
    assert not any(sees(c, Viewer.ANYONE, cap) for c in Content for cap in Capacity)


@pytest.mark.parametrize("capacity", list(Capacity))
@pytest.mark.parametrize("viewer", list(Viewer))
@pytest.mark.parametrize("content", visibility.REPORT_CONTENT)
def test_a_copy_shows_a_reports_part_exactly_when_the_table_says(
    content: Content, viewer: Viewer, capacity: Capacity
) -> None:
    shown = shown_to(case(report(capacity)), SEATS[viewer])

    assert shows(shown, content) == sees(content, viewer, capacity)


@pytest.mark.parametrize("viewer", list(Viewer))
def test_the_filter_follows_the_table_when_a_cell_changes(monkeypatch: pytest.MonkeyPatch, viewer: Viewer) -> None:
    private = case(report(Capacity.PRIVATE))
    for content in visibility.REPORT_CONTENT:
        flipped = Sees.NONE if sees(content, viewer, Capacity.PRIVATE) else Sees.ALL
        monkeypatch.setitem(visibility.TABLE, content, {**visibility.TABLE[content], viewer: flipped})
        assert shows(shown_to(private, SEATS[viewer]), content) == (flipped == Sees.ALL), content


def test_the_new_recipients_of_a_widened_case_see_the_official_reports_alone() -> None:
    widened = case(
        report(Capacity.PRIVATE, tag="p"), report(Capacity.OFFICIAL, "U0COLLEAGUE", department=None, tag="o")
    )

    for viewer in (Viewer.SECRETARIAT, Viewer.GENERAL_AFFAIRS, Viewer.OTHER_HEAD):
        shown = shown_to(widened, SEATS[viewer])
        assert (shown.reporter_name, shown.summary, shown.urls) == ("name-o", "summary-o", ["https://example.com/o"])
        assert (shown.reporter_count, shown.capacity, shown.account) == (1, Capacity.OFFICIAL, "account-o")
        assert [r.user_id for r in shown.reports] == ["U0COLLEAGUE"]
        # The 観光 head is on the case through the private report alone: not named to them either.
        assert shown.recipients == ["市政情報課", "秘書室", "総務課", "情報 守", "情報セキュリティ委員会"]
    for viewer in (Viewer.PUBLIC_INFO, Viewer.OWN_HEAD):
        shown = shown_to(widened, SEATS[viewer])
        assert [r.capacity for r in shown.reports] == [Capacity.PRIVATE, Capacity.OFFICIAL]
        assert shown.reporter_count == 2
        assert "観光 一郎" in shown.recipients


def test_the_cases_own_parts_follow_the_table() -> None:
    private = case(report(Capacity.PRIVATE))
    reporter = shown_to(private, SEATS[Viewer.REPORTER])
    assert reporter.checklist == {}  # 報告者本人 sees no checklist
    assert reporter.resolved is not None
    assert shown_to(private, SEATS[Viewer.OWN_HEAD]).checklist == private.checklist
    assert shown_to(private, SEATS[Viewer.ANYONE]).resolved is None
    # Of a private case the offices the 業務 route reaches see nothing, and no line of its thread.
    assert not sees_case(Content.NUMBER_KIND, private, SEATS[Viewer.SECRETARIAT])
    assert sees_event("comment", private, SEATS[Viewer.PUBLIC_INFO])
    assert not sees_event("comment", replace(private, capacity=Capacity.OFFICIAL), SEATS[Viewer.SECRETARIAT])
    assert not sees_event("duplicates", private, SEATS[Viewer.OTHER_HEAD])


def test_a_head_copy_of_no_known_department_is_never_named_for_a_report_of_none() -> None:
    stranger = report(Capacity.OFFICIAL, "U0STRANGER", department=None, tag="s")
    headless = replace(case(stranger), copies=(Seat(Audience.HEAD, "U0OLDHEAD", None, "元 課長"),))

    assert shown_to(headless, SEATS[Viewer.SECRETARIAT]).recipients == []


def test_who_took_each_step_is_told_only_to_a_seat_told_of_every_report() -> None:
    received_at = NOW + timedelta(minutes=5)
    taken = ("観光 一郎", received_at)
    widened = replace(
        case(report(Capacity.PRIVATE, tag="p"), report(Capacity.OFFICIAL, "U0COLLEAGUE", department=None, tag="o")),
        status=CaseStatus.IN_PROGRESS,
        acknowledged=taken,
        resolved=None,
    )
    draw = CopyRenderer(ZoneInfo("Asia/Tokyo"))

    # The 観光 head received the case for the private report: to 秘書室 his name, or the time, would betray it.
    for viewer in (Viewer.SECRETARIAT, Viewer.GENERAL_AFFAIRS, Viewer.OTHER_HEAD):
        shown = shown_to(widened, SEATS[viewer])
        assert shown.acknowledged == (UNNAMED, received_at)
        assert {done[0] for done in shown.checklist.values()} <= {UNNAMED}
        copy = strings(draw.case_copy(shown, SEATS[viewer].audience, 1))
        assert "観光 一郎" not in copy
        assert "11/26 09:05" not in copy
        assert t("report.stage.in_progress") in copy
    for viewer in (Viewer.PUBLIC_INFO, Viewer.OWN_HEAD):
        shown = shown_to(widened, SEATS[viewer])
        assert shown.acknowledged == taken
        copy = strings(draw.case_copy(shown, SEATS[viewer].audience, 1))
        assert (
            t("report.status.working", stage=t("report.stage.in_progress"), name="観光 一郎", at="11/26 09:05") in copy
        )
    # A resolution and a ticked item come unnamed too.
    resolved = replace(widened, status=CaseStatus.RESOLVED, resolved=("観光 一郎", received_at, "handled", None))
    copy = strings(draw.case_copy(shown_to(resolved, SEATS[Viewer.SECRETARIAT]), Audience.SECRETARIAT, 1))
    assert t("report.status.resolution_unnamed", reason=t("report.reason.handled")) in copy
    assert "観光 一郎" not in copy


def test_a_case_is_as_old_as_the_first_report_its_seat_is_told_of() -> None:
    later = NOW + timedelta(minutes=25)
    widened = case(report(Capacity.PRIVATE, tag="p"), report(Capacity.OFFICIAL, "U0COLLEAGUE", tag="o", at=later))

    assert shown_to(widened, SEATS[Viewer.SECRETARIAT]).created_at == later
    assert shown_to(widened, SEATS[Viewer.OTHER_HEAD]).created_at == later
    assert shown_to(widened, SEATS[Viewer.PUBLIC_INFO]).created_at == NOW
