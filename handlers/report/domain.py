"""The report feature's vocabulary, shared by the service and the views: what was asked,
what happened, and the snapshot of a case that renderers draw from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from handlers.common import work
from storage.cases import CaseNumbers
from storage.models import Audience, Capacity, Case, CaseCopy, CaseKind, CaseReporter, CaseStatus


@dataclass(frozen=True)
class ReportForm:
    kind: CaseKind
    capacity: Capacity
    urls: list[str]
    summary: str
    discovered_at: datetime
    department_id: str | None
    account: str | None


@dataclass(frozen=True)
class Event:
    """A line of a case's timeline: a catalog key under report.timeline and its parameters."""

    kind: str
    at: datetime
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportPart:
    """One person's report of the case's post, as they filed it."""

    user_id: str
    name: str  # mrkdwn, safe to embed
    capacity: Capacity
    summary: str
    account: str | None
    discovered_at: datetime
    department_id: str | None
    department_name: str | None
    urls: tuple[str, ...]
    reported_at: datetime


@dataclass(frozen=True)
class Seat:
    """Where a copy of a case goes, which decides what it shows (handlers/report/visibility.py)."""

    audience: Audience
    target: str
    department_id: str | None = None  # a head's: the department they head for this case
    name: str = ""  # mrkdwn, as the case's recipients list shows it


# Who took a step of the case, withheld from a seat not told of every report (visibility.shown_to).
UNNAMED = ""


@dataclass(frozen=True)
class Snapshot:
    """What a copy shows, read from the database once, for pure renderers."""

    id: int
    number: str
    kind: CaseKind
    capacity: Capacity
    status: CaseStatus
    summary: str
    account: str | None
    urls: list[str]
    discovered_at: datetime
    created_at: datetime
    department_name: str | None
    reporter_name: str
    reporter_count: int
    acknowledged: tuple[str, datetime] | None
    resolved: tuple[str, datetime, str, str | None] | None  # by, at, reason, note
    officer_notified: tuple[str, datetime] | None
    committee_reported: tuple[str, datetime] | None
    checklist: dict[str, tuple[str, datetime, str | None]]  # item -> by, at, value
    recipients: list[str]
    # Copies whose head handed the case over (人事異動): copy id -> the successor's name. They keep no buttons.
    handed_over: dict[int, str] = field(default_factory=dict)
    department_id: str | None = None
    # Every report and copy; once filtered for a seat (visibility.shown_to), the reports whose 概要 it shows
    # and whose reporters it names.
    reports: tuple[ReportPart, ...] = ()
    named: tuple[ReportPart, ...] = ()
    copies: tuple[Seat, ...] = ()


class Message(StrEnum):
    """The case's messages the service queues as intents and the delivery worker draws when it sends them
    (handlers/report/messages.py), from the case as it is then."""

    COPY = "report.copy"  # a copy, posted or updated
    TIMELINE = "report.timeline"  # a line of the case's thread
    FULL_TEXT = "report.full_text"  # what the copies cut, in the thread
    CONFIRMATION = "report.confirmation"  # to a reporter whose report joined an open case
    ESCALATION = "report.escalation"
    COMMITTEE = "report.committee"  # the report to the committee (6(2)③) and, in its thread, its full text
    COMMITTEE_FULL_TEXT = "report.committee_full_text"


@dataclass(frozen=True)
class Context(work.Context):
    """A unit of work's Context, and the counter that numbers new cases."""

    numbers: CaseNumbers


@dataclass(frozen=True)
class Submission:
    number: str
    attached: bool
    recipients: list[str]
    department_unknown: bool


class Outcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # already so: a double click, a Slack retry
    DENIED = "denied"
    NEEDS_VALUE = "needs_value"  # a checklist item that asks for a URL first


@dataclass(frozen=True)
class CopyRef:
    """The copy a button was pressed on, as the button's metadata and Slack's container tell it."""

    case_id: int
    copy_id: int
    channel: str | None  # where the click happened; None for modal submissions


def snapshot(case: Case, *, reported_until: datetime | None = None) -> Snapshot:
    """The case as its copies draw it; ``reported_until``: with only the reports filed until then (a copy
    handed over at 人事異動 shows nothing filed after its reader left the role)."""

    def pair(name: str | None, at: datetime | None) -> tuple[str, datetime] | None:
        return (name, at) if name is not None and at is not None else None

    resolved = None
    if case.resolved_at is not None:
        resolved = (case.resolved_by or "", case.resolved_at, case.resolution_reason or "", case.resolution_note)
    reports = tuple(report_part(r) for r in case.reports if reported_until is None or r.reported_at <= reported_until)
    return Snapshot(
        id=case.id,
        number=case.number,
        kind=CaseKind(case.kind),
        capacity=Capacity(case.capacity),
        status=CaseStatus(case.status),
        summary=case.summary,
        account=case.account,
        urls=[u.url for u in case.urls],
        discovered_at=case.discovered_at,
        created_at=case.created_at,
        department_name=case.department_name,
        reporter_name=case.reporter_name,
        reporter_count=case.reporter_count,
        acknowledged=pair(case.acknowledged_by, case.acknowledged_at),
        resolved=resolved,
        officer_notified=pair(case.officer_notified_by, case.officer_notified_at),
        committee_reported=pair(case.committee_reported_by, case.committee_reported_at),
        checklist={i.item: (i.done_by, i.done_at, i.value) for i in case.checklist},
        recipients=[c.name for c in case.copies if c.audience != Audience.REPORTER],
        handed_over={c.id: c.handed_to for c in case.copies if c.handed_to is not None},
        department_id=case.department_id,
        reports=reports,
        named=reports,  # unfiltered, every report is both summarized and named
        copies=tuple(seat_of(c) for c in case.copies),
    )


def report_part(report: CaseReporter) -> ReportPart:
    return ReportPart(
        user_id=report.user_id,
        name=report.user_name,
        capacity=Capacity(report.capacity),
        summary=report.summary,
        account=report.account,
        discovered_at=report.discovered_at,
        department_id=report.department_id,
        department_name=report.department_name,
        urls=tuple(report.urls),
        reported_at=report.reported_at,
    )


def seat_of(copy: CaseCopy) -> Seat:
    return Seat(Audience(copy.audience), copy.target, copy.department_id, copy.name)
