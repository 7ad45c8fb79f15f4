"""The reporting rules themselves, driven through handlers/report/service/ with a real database and no Slack,
HTTP or worker: who gets a copy of a case, and of a second report of the same post. Each test reads the rows a
change stored and the outbox intents it queued (what the worker would draw and send); the wiring of these
rules to Slack is tested end to end in tests/test_report*.py."""

from __future__ import annotations

import pytest

from handlers.report.domain import Message, Submission
from storage.models import Audience, Capacity, CaseKind
from tests.report.desk import (
    GENERAL,
    HEAD,
    JOINED,
    OTHER_HEAD,
    OTHER_STAFF,
    OUTSIDER,
    POST,
    PUBLIC_INFO,
    REDRAWN,
    SECRETARIAT,
    STAFF1,
    STAFF2,
    Desk,
)

# -- routing: who gets a copy ----------------------------------------------------------------------


def test_an_official_report_reaches_the_head_and_the_three_offices_and_public_info_holds_the_thread(
    desk: Desk,
) -> None:
    submission = desk.report()

    assert submission == Submission("SNS-2026-0001", False, ["市政情報課", "観光 一郎", "秘書室", "総務課"], False)
    assert desk.copies() == [
        (Audience.PUBLIC_INFO, PUBLIC_INFO, None, True),
        (Audience.HEAD, HEAD, "kanko", False),
        (Audience.SECRETARIAT, SECRETARIAT, None, False),
        (Audience.GENERAL_AFFAIRS, GENERAL, None, False),
        (Audience.REPORTER, STAFF1, None, False),
    ]
    copy = Message.COPY
    assert desk.intents() == [
        *[(POST, target, copy, False) for target in (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, STAFF1)],
        (POST, PUBLIC_INFO, Message.FULL_TEXT, True),
    ]
    assert desk.audited() == [("case.created", STAFF1)]


def test_a_private_report_reaches_public_info_and_the_head_only(desk: Desk) -> None:
    desk.report(capacity=Capacity.PRIVATE)

    assert [(a, t) for a, t, _, _ in desk.copies()] == [
        (Audience.PUBLIC_INFO, PUBLIC_INFO),
        (Audience.HEAD, HEAD),
        (Audience.REPORTER, STAFF1),
    ]


@pytest.mark.parametrize("capacity", list(Capacity))
def test_a_violation_reaches_the_head_of_the_department_running_the_account_who_holds_the_thread(
    desk: Desk, capacity: Capacity
) -> None:
    desk.report(kind=CaseKind.VIOLATION, capacity=capacity)

    assert desk.copies() == [(Audience.HEAD, HEAD, "kanko", True), (Audience.REPORTER, STAFF1, None, False)]
    assert (POST, HEAD, Message.FULL_TEXT, True) in desk.intents()


@pytest.mark.parametrize(
    ("kind", "capacity", "expected"),
    [
        (CaseKind.FLAME, Capacity.OFFICIAL, [PUBLIC_INFO, SECRETARIAT, GENERAL]),
        (CaseKind.FLAME, Capacity.PRIVATE, [PUBLIC_INFO]),
        (CaseKind.VIOLATION, Capacity.OFFICIAL, [PUBLIC_INFO]),
    ],
)
def test_without_a_department_a_report_still_reaches_public_info(
    desk: Desk, kind: CaseKind, capacity: Capacity, expected: list[str]
) -> None:
    submission = desk.report(OUTSIDER, kind=kind, capacity=capacity, department=None)

    assert submission.department_unknown
    assert [t for _, t, _, _ in desk.copies()] == [*expected, OUTSIDER]


def test_reports_of_other_posts_open_cases_numbered_in_turn(desk: Desk) -> None:
    numbers = [desk.report(urls=(f"https://x.com/soja_city/status/{n}",)).number for n in (1, 2, 3)]

    assert numbers == ["SNS-2026-0001", "SNS-2026-0002", "SNS-2026-0003"]


# -- a second report of the same post ------------------------------------------------------------------


def test_a_report_of_the_same_post_pasted_differently_attaches_and_reaches_nobody_new(desk: Desk) -> None:
    desk.report()
    desk.sent()
    before = desk.last_outbox_id()

    submission = desk.report(STAFF2, urls=("http://www.twitter.com/soja_city/status/1234567890/?utm_source=line",))

    assert submission == Submission("SNS-2026-0001", True, [], False)
    assert desk.case().reporter_count == 2
    assert len(desk.copies()) == 5
    # Every copy is redrawn, the thread says so, and the reporter hears the case number.
    assert desk.intents(before) == [*REDRAWN, *JOINED, (POST, STAFF2, Message.CONFIRMATION, False)]


def test_copies_and_a_full_text_not_sent_yet_are_not_queued_again_as_they_are_drawn_when_sent(desk: Desk) -> None:
    desk.report()
    before = desk.last_outbox_id()

    desk.report(STAFF2)

    # No update of the unsent copies, and no second full text while the new case's first one waits.
    assert desk.intents(before) == [JOINED[0], (POST, STAFF2, Message.CONFIRMATION, False)]


def test_an_official_report_of_a_private_case_widens_it_to_the_offices_and_the_reporters_head(desk: Desk) -> None:
    desk.report(capacity=Capacity.PRIVATE)

    desk.report(OTHER_STAFF, department="kikaku")

    assert desk.case().capacity == Capacity.OFFICIAL
    assert [(t, d) for _, t, d, _ in desk.copies()][3:] == [
        (OTHER_HEAD, "kikaku"),
        (SECRETARIAT, None),
        (GENERAL, None),
    ]


def test_a_private_report_naming_a_department_not_the_reporters_reaches_nobody_new(desk: Desk) -> None:
    desk.report(capacity=Capacity.PRIVATE)

    desk.report(STAFF2, capacity=Capacity.PRIVATE, department="kikaku")

    assert len(desk.copies()) == 3
    assert desk.case().reporter_count == 2
