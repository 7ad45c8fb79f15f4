"""The usage application's rules themselves (4(4)①②), driven through handlers/application/service.py with a
real database and no Slack, HTTP or worker: where an application goes, who may apply for it and who may
decide it. Each test reads the row a change stored and the messages it queued. The wiring of these rules
to Slack is tested end to end in tests/application/."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.config import Config
from bot.directory import Directory
from bot.errors import BadRequest
from handlers.application import service
from handlers.application.domain import Answer, ApplicationForm, Message, Outcome
from handlers.common.work import Context
from storage.db import SessionFactory
from storage.models import Application, ApplicationStatus, OutboxMessage, Platform
from tests.support.desk import ServiceDesk
from tests.support.desk import kanko_directory as directory

THURSDAY = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)  # 09:00 JST
STAFF, HEAD, DEPUTY, PUBINFO, OUTSIDER = "U0STAFF1", "U0HEADKANKO", "U0DEPUTYKANKO", "U0PUBINFO1", "U0NOBODY"
OFFICE = "C0PUBLICINFO"


class Desk(ServiceDesk):
    """The service with its context and a session per call, as a listener runs it."""

    def apply(self, user_id: str = STAFF) -> service.Submitted:
        form = ApplicationForm(Platform.X, "観光情報の発信", False, {"staff": [STAFF]}, 365)
        department = service.head_department(self.ctx.directory.departments_of(user_id), user_id)
        return self.run(service.submit, form, user_id, department)

    def answer(self, user_id: str, given: Answer, comment: str | None = None) -> Outcome:
        return self.run(service.answer, 1, user_id, given, comment, None)

    def status(self) -> ApplicationStatus:
        with self.sessions() as session:
            return session.get(Application, 1).status

    def queued(self) -> list[tuple[str, str]]:
        """(channel, kind: for a notice, which one) of the messages queued outside threads, in order."""
        with self.sessions() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return [(r.channel, r.intent.get("notice") or r.intent["kind"]) for r in rows if r.parent_id is None]


@pytest.fixture
def desk(sessions: SessionFactory) -> Desk:
    return Desk(sessions, Context(directory(), THURSDAY))


# -- where it goes -----------------------------------------------------------------------------------


def test_a_staff_members_application_waits_for_the_heads_apply(desk: Desk) -> None:
    assert desk.apply() == service.Submitted(1, ApplicationStatus.WITH_HEAD, "観光 一郎")

    assert desk.queued() == [(HEAD, Message.HEAD_REQUEST)]
    assert desk.audited() == [("application.filled", STAFF)]


def test_the_heads_own_application_goes_straight_to_public_info(desk: Desk) -> None:
    assert desk.apply(HEAD).status == ApplicationStatus.SUBMITTED

    assert desk.queued() == [(OFFICE, Message.OFFICE_POST)]
    assert desk.audited() == [("application.submitted", HEAD)]


def test_a_head_of_two_departments_applies_for_the_one_they_head() -> None:
    config = directory(members=[STAFF, OUTSIDER]).config.model_dump()
    config["departments"].append({"id": "kikaku", "name": "企画課", "head": OUTSIDER, "members": []})
    two = Directory(Config.model_validate(config))

    assert service.head_department(two.departments_of(OUTSIDER), OUTSIDER).id == "kikaku"
    assert service.head_department(two.departments_of(STAFF), STAFF).id == "kanko"
    assert service.head_department([], STAFF) is None


# -- who may apply: the head ---------------------------------------------------------------------------


def test_only_the_head_applies_and_then_public_info_has_it(desk: Desk) -> None:
    desk.apply()

    assert desk.answer(STAFF, Answer.APPLY) == Outcome.DENIED
    assert desk.answer(PUBINFO, Answer.APPLY) == Outcome.DENIED
    assert desk.answer(HEAD, Answer.APPLY) == Outcome.DONE

    assert desk.status() == ApplicationStatus.SUBMITTED
    assert desk.queued()[1:] == [(OFFICE, Message.OFFICE_POST), (STAFF, "head_applied")]


def test_a_head_who_left_in_april_applies_for_nothing(desk: Desk) -> None:
    desk.apply()

    assert desk.under(directory(head=DEPUTY)).answer(HEAD, Answer.APPLY) == Outcome.DENIED
    assert desk.status() == ApplicationStatus.WITH_HEAD


def test_the_head_returning_it_ends_it_with_the_heads_comment(desk: Desk) -> None:
    desk.apply()

    assert desk.answer(HEAD, Answer.HEAD_RETURN, "目的を具体的に") == Outcome.DONE
    assert desk.answer(HEAD, Answer.APPLY) == Outcome.UNCHANGED

    with desk.sessions() as session:
        row = session.get(Application, 1)
        assert (row.status, row.decided_by, row.decision_comment) == (
            ApplicationStatus.RETURNED,
            "観光 一郎",
            "目的を具体的に",
        )
    assert desk.queued()[1:] == [(STAFF, "head_returned")]


# -- who may decide: 市政情報課 ----------------------------------------------------------------------


def test_only_public_info_decides_and_both_filler_and_head_hear_it(desk: Desk) -> None:
    desk.apply()
    desk.answer(HEAD, Answer.APPLY)

    assert desk.answer(OUTSIDER, Answer.APPROVE) == Outcome.DENIED
    assert desk.answer(HEAD, Answer.APPROVE) == Outcome.DENIED
    assert desk.answer(PUBINFO, Answer.APPROVE) == Outcome.DONE

    assert desk.status() == ApplicationStatus.APPROVED
    assert desk.queued()[-2:] == [(STAFF, "decided"), (HEAD, "decided")]
    assert [a for a, _ in desk.audited()][-1] == "application.approved"


def test_a_public_info_member_never_decides_an_application_they_filled_in(sessions: SessionFactory) -> None:
    desk = Desk(sessions, Context(directory(members=[STAFF, PUBINFO]), THURSDAY))
    desk.apply(PUBINFO)
    desk.answer(HEAD, Answer.APPLY)

    assert desk.answer(PUBINFO, Answer.APPROVE) == Outcome.DENIED
    assert desk.status() == ApplicationStatus.SUBMITTED
    assert ("application.denied", PUBINFO) in desk.audited()


def test_public_info_cannot_decide_before_the_head_applied(desk: Desk) -> None:
    desk.apply()

    assert desk.run(service.may_answer, 1, PUBINFO, Answer.REJECT, None) == Outcome.UNCHANGED
    assert desk.answer(PUBINFO, Answer.APPROVE) == Outcome.UNCHANGED
    assert desk.status() == ApplicationStatus.WITH_HEAD


@pytest.mark.parametrize(
    ("given", "status"),
    [(Answer.RETURN, ApplicationStatus.RETURNED), (Answer.REJECT, ApplicationStatus.REJECTED)],
)
def test_a_decision_is_final(desk: Desk, given: Answer, status: ApplicationStatus) -> None:
    desk.apply(HEAD)

    assert desk.run(service.may_answer, 1, PUBINFO, given, None) == Outcome.DONE
    assert desk.answer(PUBINFO, given, "理由") == Outcome.DONE
    assert desk.answer(PUBINFO, Answer.APPROVE) == Outcome.UNCHANGED
    assert desk.status() == status


def test_an_answer_pressed_anywhere_but_where_it_was_asked_is_refused(desk: Desk) -> None:
    desk.apply(HEAD)

    with pytest.raises(BadRequest):
        desk.run(service.answer, 1, PUBINFO, Answer.APPROVE, None, "C0GENERAL")
