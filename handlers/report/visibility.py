"""Who may see what of a case, written once: TABLE, and the filter every message of a case is drawn
through (``shown_to``). Plain Python, free of Slack; README's who-sees-what table is generated from
TABLE (tests/test_report_visibility.py keeps them equal).

A case gathers the reports of one post. A report's own parts (reporter, 概要, 所属, URLs) are seen
according to its capacity: a プライベート report only by its reporter, their 所属長 and 市政情報課
(5(2)③), a 業務 report by everyone the case reaches (4(2)③). The case's own parts (number and kind,
resolution, checklist, 市政情報課's comments) are seen by those who hold a copy of it, as the table says.
A viewer is a copy's seat (its audience, target and, for a head, the department it heads for the case),
placed relative to each report: the head of the report's department is "their 所属長", any other head
is an "other head", a reporter's copy shows that reporter's own report only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from handlers.report.domain import UNNAMED, ReportPart, Seat, Snapshot
from handlers.report.kinds import Route, kind_of
from storage.models import Audience, Capacity


class Content(StrEnum):
    REPORTER = "報告者"
    SUMMARY = "概要"
    DEPARTMENT = "所属"
    URLS = "URL"
    COMMENTS = "コメント（市政情報課）"
    RESOLUTION = "対応状況・解決"
    CHECKLIST = "チェックリスト"
    NUMBER_KIND = "事案番号・種類"


# The parts of one report; the others are the case's.
REPORT_CONTENT = (Content.REPORTER, Content.SUMMARY, Content.DEPARTMENT, Content.URLS)


class Viewer(StrEnum):
    REPORTER = "報告者本人"
    OWN_HEAD = "報告者の所属長"
    PUBLIC_INFO = "市政情報課"
    SECRETARIAT = "秘書室"
    GENERAL_AFFAIRS = "総務課"
    OTHER_HEAD = "他の所属長"
    SECURITY_OFFICER = "情報セキュリティ責任者"
    COMMITTEE = "情報セキュリティ委員会"
    ANYONE = "その他の人"


class Sees(StrEnum):
    """A cell: of which reports (for a case's part: of which cases) a viewer sees the content."""

    ALL = "○"  # 業務 and プライベート
    OFFICIAL = "業務のみ"  # only of 業務 reports (cases with a 業務 report)
    NONE = "—"

    def covers(self, capacity: Capacity) -> bool:
        return self == Sees.ALL or (self == Sees.OFFICIAL and capacity == Capacity.OFFICIAL)


def _row(*cells: Sees) -> dict[Viewer, Sees]:
    return dict(zip(Viewer, cells, strict=True))


A, B, N = Sees.ALL, Sees.OFFICIAL, Sees.NONE  # B: 業務 only
# Columns in Viewer's order: 本人, 所属長, 市政情報課, 秘書室, 総務課, 他の所属長, 責任者, 委員会, その他.
_REPORT = _row(A, A, A, B, B, B, B, B, N)
TABLE: dict[Content, dict[Viewer, Sees]] = {
    Content.REPORTER: _REPORT,
    Content.SUMMARY: _REPORT,
    Content.DEPARTMENT: _REPORT,
    Content.URLS: _REPORT,
    # Posted in the case's thread: 市政情報課's channel, or for a violation the head's DM.
    Content.COMMENTS: _row(N, A, A, N, N, N, N, N, N),
    Content.RESOLUTION: _row(A, A, A, B, B, B, A, A, N),
    Content.CHECKLIST: _row(N, A, A, B, B, B, A, N, N),
    Content.NUMBER_KIND: _row(A, A, A, B, B, B, A, A, N),
}

_OFFICES = {
    Audience.PUBLIC_INFO: Viewer.PUBLIC_INFO,
    Audience.SECRETARIAT: Viewer.SECRETARIAT,
    Audience.GENERAL_AFFAIRS: Viewer.GENERAL_AFFAIRS,
    Audience.SECURITY_OFFICER: Viewer.SECURITY_OFFICER,
    Audience.SECURITY_COMMITTEE: Viewer.COMMITTEE,
}


def sees(content: Content, viewer: Viewer, capacity: Capacity) -> bool:
    return TABLE[content][viewer].covers(capacity)


def viewer_of(seat: Seat, report: ReportPart) -> Viewer:
    """Who ``seat`` is to ``report``."""
    if seat.audience == Audience.REPORTER:
        return Viewer.REPORTER if seat.target == report.user_id else Viewer.ANYONE
    if seat.audience == Audience.HEAD:
        own = report.department_id is not None and seat.department_id == report.department_id
        return Viewer.OWN_HEAD if own else Viewer.OTHER_HEAD
    return _OFFICES.get(seat.audience, Viewer.ANYONE)


def case_viewer(case: Snapshot, seat: Seat) -> Viewer:
    """Who ``seat`` is to the case as a whole: a head is "their 所属長" to a case of their department."""
    if seat.audience == Audience.HEAD:
        departments = {case.department_id, *(r.department_id for r in case.reports)}
        return Viewer.OWN_HEAD if seat.department_id in departments - {None} else Viewer.OTHER_HEAD
    if seat.audience == Audience.REPORTER:
        return Viewer.REPORTER if any(r.user_id == seat.target for r in case.reports) else Viewer.ANYONE
    return _OFFICES.get(seat.audience, Viewer.ANYONE)


def sees_report(seat: Seat, report: ReportPart) -> bool:
    """Whether ``seat`` is told of ``report`` at all (its reporter named, or counted among the reports)."""
    return sees(Content.REPORTER, viewer_of(seat, report), report.capacity)


def told_of_all(case: Snapshot, seat: Seat) -> bool:
    """Whether ``seat`` is told of every report of the case: only then may it learn who took a step of the case,
    or when anything happened before the first report it knows of."""
    return all(sees_report(seat, r) for r in case.reports)


def sees_case(content: Content, case: Snapshot, seat: Seat) -> bool:
    """Whether ``seat`` sees a part of the case itself (a case is 業務 once one of its reports is)."""
    return sees(content, case_viewer(case, seat), case.capacity)


# What each line of a case's thread tells (report.timeline.*); any other line: the case's number and kind.
EVENT_CONTENT = {
    "comment": Content.COMMENTS,
    "resolved": Content.RESOLUTION,
    "checklist_done": Content.CHECKLIST,
    "checklist_undone": Content.CHECKLIST,
    "duplicates": Content.REPORTER,
    "widened": Content.REPORTER,  # names the 業務 reporter who widened it
}


def sees_event(kind: str, case: Snapshot, seat: Seat) -> bool:
    """Whether a thread line of ``kind`` may be posted where ``seat`` reads the case's thread."""
    return sees_case(EVENT_CONTENT.get(kind, Content.NUMBER_KIND), case, seat)


@dataclass(frozen=True)
class _Visible:
    """The reports whose each part a seat sees."""

    named: list[ReportPart]
    summarized: list[ReportPart]
    placed: list[ReportPart]
    linked: list[ReportPart]


def _visible(case: Snapshot, seat: Seat) -> _Visible:
    def of(content: Content) -> list[ReportPart]:
        return [r for r in case.reports if sees(content, viewer_of(seat, r), r.capacity)]

    return _Visible(of(Content.REPORTER), of(Content.SUMMARY), of(Content.DEPARTMENT), of(Content.URLS))


def shown_to(case: Snapshot, seat: Seat) -> Snapshot:
    """``case`` as ``seat`` may see it: only the reports (and the parts of them) the table grants, counts
    and recipients drawn from those alone, so that nothing betrays a report the seat may not see."""
    visible = _visible(case, seat)
    reports = visible.named + visible.summarized + visible.placed + visible.linked
    capacities = {r.capacity for r in reports}
    told_all = told_of_all(case, seat)
    return replace(
        case,
        capacity=Capacity.OFFICIAL if Capacity.OFFICIAL in capacities else _private_or(case, reports),
        summary=visible.summarized[0].summary if visible.summarized else "",
        account=_first(r.account for r in visible.summarized),
        urls=list(dict.fromkeys(url for r in visible.linked for url in r.urls)),
        discovered_at=min((r.discovered_at for r in reports), default=case.discovered_at),
        created_at=case.created_at if told_all else min((r.reported_at for r in reports), default=case.created_at),
        department_name=_joined(r.department_name for r in visible.placed),
        reporter_name=_joined(r.name for r in visible.named) or "",
        reporter_count=len({r.user_id for r in visible.named}),
        reports=tuple(visible.summarized),
        named=tuple(visible.named),
        recipients=[c.name for c in case.copies if _listed(case, c, reports)],
        **_steps(case, seat, told_all),
    )


def _steps(case: Snapshot, seat: Seat, told_all: bool) -> dict[str, Any]:
    """Who took each step of the case and when, for the parts ``seat`` sees. To a seat not told of every
    report the steps come unnamed: a name (a private reporter's 所属長 receiving the case) or a time (before the
    first report the seat knows of) would betray a report it may not see."""

    def step(pair: tuple[str, datetime] | None) -> tuple[str, datetime] | None:
        return pair if told_all or pair is None else (UNNAMED, pair[1])

    resolved = case.resolved if sees_case(Content.RESOLUTION, case, seat) else None
    checklist = case.checklist if sees_case(Content.CHECKLIST, case, seat) else {}
    if not told_all:
        resolved = resolved and (UNNAMED, *resolved[1:])
        checklist = {item: (UNNAMED, *done[1:]) for item, done in checklist.items()}
    return {
        "acknowledged": step(case.acknowledged),
        "officer_notified": step(case.officer_notified),
        "committee_reported": step(case.committee_reported),
        "resolved": resolved,
        "checklist": checklist,
    }


def _private_or(case: Snapshot, reports: list[ReportPart]) -> Capacity:
    """A seat that sees no report (the violation chain's, of a private report) is told the case's capacity."""
    return Capacity.PRIVATE if reports else case.capacity


def _listed(case: Snapshot, copy: Seat, reports: list[ReportPart]) -> bool:
    """Whether a recipient is named to someone who sees ``reports``: the offices every report reaches and the
    violation chain always; 秘書室 and 総務課 with a 業務 report; a head with a report of their department."""
    if copy.audience in (Audience.PUBLIC_INFO, Audience.SECURITY_OFFICER, Audience.SECURITY_COMMITTEE):
        return True
    if copy.audience in (Audience.SECRETARIAT, Audience.GENERAL_AFFAIRS):
        return any(r.capacity == Capacity.OFFICIAL for r in reports)
    if copy.audience == Audience.HEAD:
        if copy.department_id is None:
            return False
        chain_head = kind_of(case.kind).route == Route.ACCOUNT_HEAD and copy.department_id == case.department_id
        return chain_head or any(r.department_id == copy.department_id for r in reports)
    return False


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)


def _joined(values: Iterable[str | None]) -> str | None:
    return "、".join(dict.fromkeys(v for v in values if v)) or None


def markdown_table() -> str:
    """TABLE as README shows it (tests/test_report_visibility.py checks that README holds exactly this)."""
    lines = [
        "| | " + " | ".join(Viewer) + " |",
        "|---|" + "---|" * len(Viewer),
        *(f"| {content} | " + " | ".join(TABLE[content][v] for v in Viewer) + " |" for content in Content),
    ]
    return "\n".join(lines)
