"""The reporting rules themselves, driven through handlers/report/service/ with a real database and no Slack,
HTTP or worker: who may act on a copy, the checklists and the violation chain (6(2)). Each test reads the rows
a change stored and the outbox intents it queued (what the worker would draw and send); the wiring of these
rules to Slack is tested end to end in tests/test_report*.py."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.errors import BadRequest
from handlers.report.domain import Message, Outcome
from handlers.report.service import actions
from storage.models import Audience, CaseKind, CaseStatus, ChecklistItem
from tests.report.desk import (
    COMMITTEE,
    GENERAL,
    HEAD,
    OFFICER,
    OTHER_HEAD,
    OUTSIDER,
    POST,
    PUBINFO1,
    PUBLIC_INFO,
    REDRAWN,
    SECRETARIAT,
    STAFF1,
    STAFF2,
    THURSDAY,
    Desk,
)
from tests.support.flow import dm

# -- who may act -------------------------------------------------------------------------------------


def test_the_head_acknowledges_once_and_every_copy_is_redrawn(desk: Desk) -> None:
    desk.report()
    desk.sent()
    before = desk.last_outbox_id()

    first = desk.run(actions.acknowledge, desk.ref(HEAD, channel=dm(HEAD)), HEAD)
    queued = desk.intents(before)
    again = desk.run(actions.acknowledge, desk.ref(HEAD, channel=dm(HEAD)), HEAD)

    assert (first, again) == (Outcome.DONE, Outcome.UNCHANGED)
    case = desk.case()
    assert (case.acknowledged_at, case.acknowledged_by, case.escalate_at) == (THURSDAY, "観光 一郎", None)
    assert queued == [*REDRAWN, (POST, PUBLIC_INFO, Message.TIMELINE, True)]
    assert desk.last_outbox_id() == before + len(queued)  # the second click queued nothing
    assert desk.audited()[1:] == [("case.acknowledged", HEAD)]


@pytest.mark.parametrize("user", [STAFF1, OTHER_HEAD, OUTSIDER])
def test_nobody_else_acts_on_the_heads_copy_and_the_refusal_is_audited(desk: Desk, user: str) -> None:
    desk.report()
    before = desk.last_outbox_id()

    outcome = desk.run(actions.acknowledge, desk.ref(HEAD, channel=dm(user)), user)

    assert outcome == Outcome.DENIED
    assert desk.case().acknowledged_at is None
    assert desk.last_outbox_id() == before
    assert desk.audited()[1:] == [("case.denied", user)]


def test_an_office_that_lists_no_members_acts_by_a_click_in_its_channel_but_not_from_a_modal(desk: Desk) -> None:
    desk.report()

    from_modal = desk.run(actions.check, desk.ref(SECRETARIAT), OUTSIDER, "resolve")
    in_channel = desk.run(actions.start_work, desk.ref(SECRETARIAT, channel=SECRETARIAT), OUTSIDER)

    assert (from_modal, in_channel) == (Outcome.DENIED, Outcome.DONE)
    case = desk.case()
    # Starting work acknowledges the case too.
    assert (case.status, case.acknowledged_by) == (CaseStatus.IN_PROGRESS, f"<@{OUTSIDER}>")


def test_a_click_on_a_copy_from_another_channel_is_a_bad_request(desk: Desk) -> None:
    desk.report()

    with pytest.raises(BadRequest):
        desk.run(actions.acknowledge, desk.ref(SECRETARIAT, channel=GENERAL), OUTSIDER)


def test_only_public_info_comments_and_the_comment_goes_to_the_thread(desk: Desk) -> None:
    desk.report()
    before = desk.last_outbox_id()

    by_head = desk.run(actions.comment, desk.ref(HEAD), HEAD, "確認します")
    by_public_info = desk.run(actions.comment, desk.ref(PUBLIC_INFO, channel=PUBLIC_INFO), PUBINFO1, "確認します")

    assert (by_head, by_public_info) == (Outcome.DENIED, Outcome.DONE)
    assert desk.intents(before) == [(POST, PUBLIC_INFO, Message.TIMELINE, True)]


def test_resolving_frees_the_post_so_a_new_report_of_it_opens_a_new_case(desk: Desk) -> None:
    desk.report()

    resolved = desk.run(actions.resolve, desk.ref(PUBLIC_INFO), PUBINFO1, "handled", "対応済み")
    again = desk.run(actions.resolve, desk.ref(PUBLIC_INFO), PUBINFO1, "duplicate", None)
    later = desk.report(STAFF2)

    assert (resolved, again) == (Outcome.DONE, Outcome.UNCHANGED)
    case = desk.case()
    assert (case.status, case.resolution_reason, case.resolution_note) == (CaseStatus.RESOLVED, "handled", "対応済み")
    assert (later.number, later.attached) == ("SNS-2026-0002", False)


# -- checklists --------------------------------------------------------------------------------------


def test_a_flame_checklist_item_is_ticked_once_and_unticked(desk: Desk) -> None:
    desk.report()
    ref = desk.ref(HEAD)

    ticks = [desk.run(actions.set_item, ref, HEAD, "facts_checked", tick) for tick in (True, True)]
    ticked = desk.checklist()
    untick = desk.run(actions.set_item, ref, HEAD, "facts_checked", False)

    assert ticks == [Outcome.DONE, Outcome.UNCHANGED]
    assert ticked == {"facts_checked": None}
    assert (untick, desk.checklist()) == (Outcome.DONE, {})


@pytest.mark.parametrize(
    ("kind", "item"),
    [
        (CaseKind.FLAME, "takedown_requested"),  # なりすまし's
        (CaseKind.IMPORTANT, "facts_checked"),  # no checklist at all
        (CaseKind.MISTAKE, "deleted"),  # only once marked confidential (4(5)③)
    ],
)
def test_an_item_not_on_the_cases_checklist_is_a_bad_request(desk: Desk, kind: CaseKind, item: str) -> None:
    desk.report(kind=kind)

    with pytest.raises(BadRequest):
        desk.run(actions.set_item, desk.ref(HEAD), HEAD, item, True)


def test_a_mistake_is_deleted_only_while_marked_confidential(desk: Desk) -> None:
    desk.report(kind=CaseKind.MISTAKE)
    ref = desk.ref(HEAD)

    desk.run(actions.set_item, ref, HEAD, "confidential", True)
    desk.run(actions.set_item, ref, HEAD, "deleted", True)
    marked = (desk.case().confidential, desk.checklist())
    desk.run(actions.set_item, ref, HEAD, "confidential", False)

    assert marked == (True, {"confidential": None, "deleted": None})
    assert (desk.case().confidential, desk.checklist()) == (False, {})


def test_a_correction_is_ticked_only_with_its_url(desk: Desk) -> None:
    desk.report(kind=CaseKind.MISTAKE)
    ref = desk.ref(HEAD)
    correction = "https://x.com/soja_city/status/1234567899"

    asked = desk.run(actions.set_item, ref, HEAD, "correction_posted", True)
    unticked = desk.checklist()
    recorded = desk.run(actions.record_correction, ref, HEAD, correction)

    assert (asked, unticked) == (Outcome.NEEDS_VALUE, {})
    assert (recorded, desk.checklist()) == (Outcome.DONE, {"correction_posted": correction})
    item = desk.read(lambda s: s.scalars(select(ChecklistItem)).one())
    assert (item.done_at, item.done_by) == (THURSDAY, "観光 一郎")


# -- the violation chain (6(2)) -------------------------------------------------------------------------


def test_the_head_notifies_the_security_officer_once_who_then_gets_a_copy(desk: Desk) -> None:
    desk.report(kind=CaseKind.VIOLATION)

    by_staff = desk.run(actions.notify_officer, desk.ref(HEAD), STAFF1)
    by_head = [desk.run(actions.notify_officer, desk.ref(HEAD), HEAD) for _ in range(2)]

    assert (by_staff, by_head) == (Outcome.DENIED, [Outcome.DONE, Outcome.UNCHANGED])
    assert desk.copies()[-1] == (Audience.SECURITY_OFFICER, OFFICER, None, False)
    assert desk.case().officer_notified_by == "観光 一郎"


def test_only_the_security_officer_reports_to_the_committee(desk: Desk) -> None:
    desk.report(kind=CaseKind.VIOLATION)
    desk.run(actions.notify_officer, desk.ref(HEAD), HEAD)
    before = desk.last_outbox_id()

    by_head = desk.run(actions.report_committee, desk.ref(HEAD), HEAD, "削除を依頼", "削除済み")
    by_officer = desk.run(actions.report_committee, desk.ref(OFFICER), OFFICER, "削除を依頼", "削除済み")

    assert (by_head, by_officer) == (Outcome.DENIED, Outcome.DONE)
    queued = desk.intents(before)
    assert queued[:2] == [
        (POST, COMMITTEE, Message.COMMITTEE, False),
        (POST, COMMITTEE, Message.COMMITTEE_FULL_TEXT, True),
    ]
    assert (POST, HEAD, Message.TIMELINE, True) in queued  # the violation's thread is in the head's DM
