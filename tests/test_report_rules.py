"""The reporting rules themselves, driven through handlers/report/service/ with a real database and no
Slack, HTTP or worker: who gets a copy, who may act, the checklists and the escalation. Each test reads
the rows a change stored and the outbox intents it queued (what the worker would draw and send). The
wiring of these rules to Slack is tested end to end in test_report.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.config import Config
from bot.directory import Directory
from bot.errors import BadRequest
from handlers.report.domain import Context, CopyRef, Message, Outcome, ReportForm, Submission
from handlers.report.service import actions, escalation
from handlers.report.service.submission import submit
from storage.cases import CaseNumbers
from storage.db import SessionFactory
from storage.models import (
    Audience,
    AuditEntry,
    Capacity,
    Case,
    CaseCopy,
    CaseKind,
    CaseStatus,
    ChecklistItem,
    OutboxMessage,
    OutboxMethod,
    OutboxStatus,
)
from tests.support.bot import APP_YAML
from tests.support.flow import dm

# Thursday 2026-11-26 09:00 JST: a working day, office open.
THURSDAY = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 10:00 JST
MONDAY_OPENING = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # 2026-11-30 08:30 JST
URL = "https://x.com/soja_city/status/1234567890"
PUBLIC_INFO, SECRETARIAT, GENERAL, COMMITTEE = "C0PUBLICINFO", "C0SECRETARIAT", "C0GENERAL", "C0SECCOMMITTEE"
HEAD, STAFF1, STAFF2, PUBINFO1, OFFICER = "U0HEADKANKO", "U0STAFF1", "U0STAFF2", "U0PUBINFO1", "U0SECOFFICER"
OTHER_HEAD, OTHER_STAFF, OUTSIDER = "U0HEADKIKAKU", "U0STAFFKIKAKU", "U0NOBODY"
ESCALATION_MINUTES = 30  # app.yaml's reminders.incident_ack_escalation_minutes


def directory() -> Directory:
    """app.yaml as shipped, with a second department (企画課) to report from."""
    config = yaml.safe_load(APP_YAML.read_text(encoding="utf-8"))
    config["departments"].append({"id": "kikaku", "name": "企画課", "head": OTHER_HEAD, "members": [OTHER_STAFF]})
    assert config["reminders"]["incident_ack_escalation_minutes"] == ESCALATION_MINUTES
    return Directory(Config.model_validate(config))


@dataclass
class Desk:
    """The service with its context and a session per call, as a listener or a job runs it."""

    sessions: SessionFactory
    ctx: Context

    def at(self, now: datetime) -> Desk:
        return Desk(self.sessions, replace(self.ctx, now=now))

    def run(self, change: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.sessions.begin() as session:
            return change(session, self.ctx, *args, **kwargs)

    def report(
        self,
        reporter: str = STAFF1,
        *,
        kind: CaseKind = CaseKind.FLAME,
        capacity: Capacity = Capacity.OFFICIAL,
        urls: tuple[str, ...] = (URL,),
        department: str | None = "kanko",
    ) -> Submission:
        form = ReportForm(kind, capacity, list(urls), "概要", self.ctx.now - timedelta(minutes=5), department, None)
        return self.run(submit, form, reporter)

    def read(self, query: Callable[[Session], Any]) -> Any:
        with self.sessions() as session:
            return query(session)

    def copies(self, number: str = "SNS-2026-0001") -> list[tuple[str, str, str | None, bool]]:
        """(audience, target, department, primary) of the case's copies, in the order they were made."""
        rows = self.read(
            lambda s: s.execute(
                select(CaseCopy.audience, CaseCopy.target, CaseCopy.department_id, CaseCopy.primary)
                .join(Case, Case.id == CaseCopy.case_id)
                .where(Case.number == number)
                .order_by(CaseCopy.id)
            ).all()
        )
        return [tuple(row) for row in rows]

    def ref(self, target: str, *, channel: str | None = None, number: str = "SNS-2026-0001") -> CopyRef:
        """The copy ``target`` holds, clicked in ``channel`` (None: from a modal, judged by role alone)."""
        copy_id, case_id = self.read(
            lambda s: s.execute(
                select(CaseCopy.id, CaseCopy.case_id)
                .join(Case, Case.id == CaseCopy.case_id)
                .where(Case.number == number, CaseCopy.target == target)
            ).one()
        )
        return CopyRef(case_id, copy_id, channel)

    def case(self, number: str = "SNS-2026-0001") -> Case:
        def load(session: Session) -> Case:
            found = session.scalars(select(Case).where(Case.number == number)).one()
            found.checklist  # noqa: B018 - loaded before the session closes
            session.expunge(found)
            return found

        return self.read(load)

    def intents(self, after: int = 0) -> list[tuple[str, str, str, bool]]:
        """(method, channel, intent kind, about an earlier message: a reply in its thread or its update) of
        the outbox rows queued after row ``after``."""
        rows = self.read(
            lambda s: s.scalars(select(OutboxMessage).where(OutboxMessage.id > after).order_by(OutboxMessage.id)).all()
        )
        return [(r.method, r.channel, (r.intent or {}).get("kind"), r.parent_id is not None) for r in rows]

    def sent(self) -> None:
        """Everything queued marked sent, as the worker records Slack's answers."""
        with self.sessions.begin() as session:
            for row in session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)):
                row.status, row.sent_at, row.slack_ts = OutboxStatus.SENT, self.ctx.now, f"{row.id}.000100"
                row.slack_channel = dm(row.channel) if row.channel.startswith("U") else row.channel

    def last_outbox_id(self) -> int:
        return self.read(lambda s: s.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).limit(1))) or 0

    def audited(self) -> list[tuple[str, str | None]]:
        return [tuple(r) for r in self.read(lambda s: s.execute(select(AuditEntry.action, AuditEntry.actor_id)).all())]

    def checklist(self, number: str = "SNS-2026-0001") -> dict[str, str | None]:
        return {i.item: i.value for i in self.case(number).checklist}


@pytest.fixture
def desk(sessions: SessionFactory, engine: Engine) -> Desk:
    directory_ = directory()
    return Desk(sessions, Context(directory_, THURSDAY, CaseNumbers(engine)))


POST, UPDATE = OutboxMethod.POST, OutboxMethod.UPDATE
# An update of each copy of an official report, once they are sent.
REDRAWN = [(UPDATE, target, Message.COPY, True) for target in (PUBLIC_INFO, HEAD, SECRETARIAT, GENERAL, STAFF1)]
# The thread's line and full text when a report joins the case.
JOINED = [(POST, PUBLIC_INFO, Message.TIMELINE, True), (POST, PUBLIC_INFO, Message.FULL_TEXT, True)]


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


# -- escalation --------------------------------------------------------------------------------------


def escalate(desk: Desk) -> int:
    return desk.run(escalation.escalate_due, desk.ctx.directory.office_hours)


def test_an_unacknowledged_case_is_escalated_once_when_its_minutes_are_up(desk: Desk) -> None:
    desk.report()
    due = THURSDAY + timedelta(minutes=ESCALATION_MINUTES)
    before = desk.last_outbox_id()

    early = escalate(desk.at(due - timedelta(seconds=1)))
    on_time = escalate(desk.at(due))
    again = escalate(desk.at(due + timedelta(hours=1)))

    assert desk.case().escalate_at == due
    assert (early, on_time, again) == (0, 1, 0)
    assert desk.intents(before) == [
        (POST, PUBLIC_INFO, Message.ESCALATION, False),
        (POST, HEAD, Message.ESCALATION, False),
        (POST, PUBLIC_INFO, Message.TIMELINE, True),
    ]
    assert desk.case().escalation_level == 1


def test_an_acknowledged_case_is_not_escalated(desk: Desk) -> None:
    desk.report()
    desk.run(actions.acknowledge, desk.ref(HEAD), HEAD)

    assert escalate(desk.at(THURSDAY + timedelta(hours=2))) == 0


def test_an_unacknowledged_violation_reminds_its_head_and_public_info_though_it_holds_no_copy(desk: Desk) -> None:
    desk.report(kind=CaseKind.VIOLATION)
    before = desk.last_outbox_id()

    assert escalate(desk.at(THURSDAY + timedelta(minutes=ESCALATION_MINUTES))) == 1
    assert [(c, k) for _, c, k, _ in desk.intents(before)] == [
        (HEAD, Message.ESCALATION),
        (PUBLIC_INFO, Message.ESCALATION),
        (HEAD, Message.TIMELINE),
    ]


@pytest.mark.parametrize(
    ("kind", "escalated_on_saturday"),
    [(CaseKind.FLAME, 1), (CaseKind.IMPERSONATION, 1), (CaseKind.IMPORTANT, 0), (CaseKind.MISTAKE, 0)],
)
def test_only_flame_ups_and_impersonations_escalate_out_of_office_hours(
    desk: Desk, kind: CaseKind, escalated_on_saturday: int
) -> None:
    weekend = desk.at(SATURDAY)
    weekend.report(kind=kind)
    due = SATURDAY + timedelta(minutes=ESCALATION_MINUTES)

    saturday = escalate(desk.at(due))
    before_monday = escalate(desk.at(MONDAY_OPENING - timedelta(minutes=1)))
    monday = escalate(desk.at(MONDAY_OPENING))

    assert (saturday, before_monday, monday) == (escalated_on_saturday, 0, 1 - escalated_on_saturday)
