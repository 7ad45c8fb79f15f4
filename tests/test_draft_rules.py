"""The draft rules themselves, driven through the draft services (handlers/draft/) with a real database and
no Slack, HTTP or worker: where a draft goes, who may decide it, how its steps advance, when it expires and
when its approvers are reminded. Each test reads the rows a change stored and the outbox intents it queued.
The wiring of these rules to Slack is tested end to end in tests/draft/."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.errors import BadRequest
from handlers.common.work import Context
from handlers.draft import absences, authoring, decisions, queries, route, sweeps
from handlers.draft.domain import Answer, DraftForm, Message, Outcome
from handlers.draft.route import Step, steps_for
from storage.db import SessionFactory
from storage.models import Draft, DraftKind, DraftRequest, DraftStatus, OutboxMessage, RequestRole
from tests.support.desk import ServiceDesk
from tests.support.desk import kanko_directory as directory

# Thursday 2026-11-26 09:00 JST: a working day, office open.
THURSDAY = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
AUTHOR, STAFF2, HEAD, DEPUTY, DAIKETSU, OUTSIDER = (
    "U0STAFF1",
    "U0STAFF2",
    "U0HEADKANKO",
    "U0DEPUTYKANKO",
    "U0DAIKETSU",
    "U0NOBODY",
)
TWO_STEPS = [{"approvers": [DEPUTY], "mode": "any"}, {"approvers": [HEAD, STAFF2], "mode": "all"}]


class Desk(ServiceDesk):
    """The draft services with their context and a session per call, as a listener or a job runs them."""

    def submit(
        self,
        kind: DraftKind = DraftKind.OFFICIAL_VIEW,
        *,
        reviewers: tuple[str, ...] = (),
        approvers: tuple[str, ...] = (HEAD, DEPUTY),
        scheduled_at: datetime | None = None,
    ) -> authoring.Submitted:
        form = DraftForm("@soja_kanko", "本文", kind, list(reviewers), list(approvers), scheduled_at, None, None, False)
        department = self.ctx.directory.department("kanko")
        return self.run(authoring.submit, form, AUTHOR, [], department)

    def request_of(self, user_id: str, draft_id: int = 1, *, version: int | None = None) -> int:
        """The id of ``user_id``'s latest request about the draft (of ``version`` when given)."""
        query = select(DraftRequest.id).where(DraftRequest.draft_id == draft_id, DraftRequest.user_id == user_id)
        if version is not None:
            query = query.where(DraftRequest.version == version)
        with self.sessions() as session:
            return session.scalars(query.order_by(DraftRequest.id.desc())).first()

    def answer(self, user_id: str, given: Answer, *, comment: str | None = None, draft_id: int = 1) -> Outcome:
        return self.run(decisions.answer, self.request_of(user_id, draft_id), user_id, given, comment, None)

    def draft(self, draft_id: int = 1) -> tuple[str, int, int]:
        """(status, version, step) of the draft."""
        with self.sessions() as session:
            row = session.get(Draft, draft_id)
            return row.status, row.version, row.step

    def asked(self, draft_id: int = 1) -> list[tuple[str, str, int, int, bool]]:
        """(role, user, version, step, deputy) of every request made, in order."""
        with self.sessions() as session:
            rows = session.scalars(
                select(DraftRequest).where(DraftRequest.draft_id == draft_id).order_by(DraftRequest.id)
            )
            return [(r.role, r.user_id, r.version, r.step, r.deputy) for r in rows]

    def notices(self) -> list[tuple[str, str]]:
        """(recipient, notice) of the notices queued."""
        with self.sessions() as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return [(r.channel, r.intent["notice"]) for r in rows if (r.intent or {}).get("kind") == Message.NOTICE]


@pytest.fixture
def desk(sessions: SessionFactory) -> Desk:
    return Desk(sessions, Context(directory(), THURSDAY))


APPROVER, REVIEWER, AUTHORS = RequestRole.APPROVER, RequestRole.REVIEWER, RequestRole.AUTHOR


# -- the route ---------------------------------------------------------------------------------------


def test_without_a_route_the_chosen_approvers_form_one_step_where_any_decides() -> None:
    kanko = directory().department("kanko")

    assert steps_for(kanko, [DEPUTY], AUTHOR) == [Step((DEPUTY,), "any")]
    assert steps_for(kanko, [], AUTHOR) == [Step((HEAD, DEPUTY), "any")]


def test_a_chosen_approver_who_is_no_longer_one_gives_way_to_the_current_approvers() -> None:
    assert steps_for(directory().department("kanko"), [DEPUTY, OUTSIDER], AUTHOR) == [Step((HEAD, DEPUTY), "any")]


def test_a_route_decides_whatever_was_chosen_and_nobody_approves_their_own_draft() -> None:
    kanko = directory(approval_route=TWO_STEPS).department("kanko")

    assert steps_for(kanko, [HEAD], AUTHOR) == [Step((DEPUTY,), "any"), Step((HEAD, STAFF2), "all")]
    assert steps_for(kanko, [], STAFF2) == [Step((DEPUTY,), "any"), Step((HEAD,), "all")]


def test_an_official_view_goes_to_the_chosen_approvers_and_the_author_hears_its_status(desk: Desk) -> None:
    submitted = desk.submit(approvers=(HEAD,))

    assert submitted == authoring.Submitted(1, 1, ["観光 一郎"])
    assert desk.draft() == (DraftStatus.PENDING, 1, 0)
    assert desk.asked() == [(APPROVER, HEAD, 1, 0, False), (AUTHORS, AUTHOR, 1, 0, False)]
    assert desk.audited() == [("draft.submitted", AUTHOR)]


def test_an_announcement_goes_to_its_reviewers_but_never_to_its_author(desk: Desk) -> None:
    desk.submit(DraftKind.ANNOUNCEMENT, reviewers=(STAFF2, AUTHOR))

    assert desk.draft() == (DraftStatus.CHECKING, 1, 0)
    assert desk.asked() == [(REVIEWER, STAFF2, 1, 0, False), (AUTHORS, AUTHOR, 1, 0, False)]


def test_every_request_is_a_dm_with_what_it_cuts_in_its_thread(desk: Desk) -> None:
    # (the order the rows get their ids in is the session's flush order, not a rule)
    desk.submit(approvers=(HEAD,))

    with desk.sessions() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        queued = [(r.channel, r.intent["kind"], r.parent_id is not None) for r in rows]
    kinds = (Message.REQUEST, Message.FULL_TEXT)
    expected = [(user, kind, kind == Message.FULL_TEXT) for user in (HEAD, AUTHOR) for kind in kinds]
    assert sorted(queued) == sorted(expected)


def test_a_route_asks_its_first_step_only(sessions: SessionFactory) -> None:
    desk = Desk(sessions, Context(directory(approval_route=TWO_STEPS), THURSDAY))
    desk.submit()

    assert [(user, step) for role, user, _, step, _ in desk.asked() if role == APPROVER] == [(DEPUTY, 0)]


# -- who may decide ----------------------------------------------------------------------------------


def test_only_the_one_asked_answers_their_request_and_a_refusal_is_audited(desk: Desk) -> None:
    desk.submit(approvers=(HEAD,))
    head_request = desk.request_of(HEAD)

    assert desk.run(decisions.answer, head_request, DEPUTY, Answer.APPROVE, None, None) == Outcome.DENIED
    assert desk.run(decisions.answer, desk.request_of(AUTHOR), AUTHOR, Answer.APPROVE, None, None) == Outcome.DENIED
    assert desk.draft() == (DraftStatus.PENDING, 1, 0)
    assert desk.audited()[1:] == [("draft.denied", DEPUTY), ("draft.denied", AUTHOR)]


def test_a_button_pressed_anywhere_but_its_own_dm_is_refused(desk: Desk) -> None:
    desk.submit(approvers=(HEAD,))

    with pytest.raises(BadRequest):
        desk.run(decisions.answer, desk.request_of(HEAD), HEAD, Answer.APPROVE, None, "C0GENERAL")


def test_an_approver_who_left_the_route_decides_nothing(desk: Desk) -> None:
    desk.submit(approvers=(HEAD, DEPUTY))
    april = desk.under(directory(approvers=[HEAD]))

    assert april.answer(DEPUTY, Answer.APPROVE) == Outcome.DENIED
    assert april.answer(HEAD, Answer.APPROVE) == Outcome.DONE
    assert desk.draft() == (DraftStatus.APPROVED, 1, 0)


def test_a_deputy_decides_only_while_every_approver_of_the_step_is_away(sessions: SessionFactory) -> None:
    desk = Desk(sessions, Context(directory(deputies=[DAIKETSU]), THURSDAY))
    desk.submit(approvers=(HEAD,))
    assert desk.run(absences.set_absence, HEAD, THURSDAY, None) == 1  # offered to the 代決者
    assert desk.asked()[-1] == (APPROVER, DAIKETSU, 1, 0, True)

    desk.run(absences.set_absence, HEAD, None, None)  # back

    assert desk.answer(DAIKETSU, Answer.APPROVE) == Outcome.APPROVERS_BACK
    assert desk.draft() == (DraftStatus.PENDING, 1, 0)


def test_a_deputys_decision_is_recorded_on_behalf_of_the_absent_who_get_kouetsu(sessions: SessionFactory) -> None:
    desk = Desk(sessions, Context(directory(deputies=[DAIKETSU]), THURSDAY))
    desk.submit(approvers=(HEAD,))
    desk.run(absences.set_absence, HEAD, THURSDAY, None)

    assert desk.answer(DAIKETSU, Answer.APPROVE) == Outcome.DONE

    assert desk.draft() == (DraftStatus.APPROVED, 1, 0)
    assert desk.notices() == [(AUTHOR, "decided"), (HEAD, "kouetsu")]


# -- steps and decisions -----------------------------------------------------------------------------


def test_an_approval_moves_the_draft_to_the_next_step_whose_approvers_are_asked(sessions: SessionFactory) -> None:
    desk = Desk(sessions, Context(directory(approval_route=TWO_STEPS), THURSDAY))
    desk.submit()

    assert desk.answer(DEPUTY, Answer.APPROVE) == Outcome.DONE

    assert desk.draft() == (DraftStatus.PENDING, 1, 1)
    assert [(user, step) for role, user, _, step, _ in desk.asked() if role == APPROVER] == [
        (DEPUTY, 0),
        (HEAD, 1),
        (STAFF2, 1),
    ]
    assert desk.notices() == []  # the author hears only how it ends


def test_an_all_step_waits_for_every_approver_then_the_last_approval_decides(sessions: SessionFactory) -> None:
    desk = Desk(sessions, Context(directory(approval_route=TWO_STEPS), THURSDAY))
    desk.submit()
    desk.answer(DEPUTY, Answer.APPROVE)

    assert desk.answer(HEAD, Answer.APPROVE) == Outcome.DONE
    assert desk.draft() == (DraftStatus.PENDING, 1, 1)
    assert desk.answer(STAFF2, Answer.APPROVE) == Outcome.DONE

    assert desk.draft() == (DraftStatus.APPROVED, 1, 1)
    assert desk.notices() == [(AUTHOR, "decided")]
    assert [a for a, _ in desk.audited()] == [
        "draft.submitted",
        "draft.approve",
        "draft.approved_in_step",
        "draft.approve",
    ]


def test_a_second_answer_to_a_decided_draft_changes_nothing(desk: Desk) -> None:
    desk.submit(approvers=(HEAD, DEPUTY))

    assert desk.answer(HEAD, Answer.RETURN, comment="表現を修正") == Outcome.DONE
    assert desk.answer(DEPUTY, Answer.APPROVE) == Outcome.UNCHANGED
    assert desk.answer(HEAD, Answer.APPROVE) == Outcome.UNCHANGED
    assert desk.draft() == (DraftStatus.RETURNED, 1, 0)


def test_a_peer_check_takes_only_ok_or_issue_and_a_decision_only_a_decision(desk: Desk) -> None:
    desk.submit(DraftKind.ANNOUNCEMENT, reviewers=(STAFF2,))

    with pytest.raises(BadRequest):
        desk.answer(STAFF2, Answer.APPROVE)
    assert desk.answer(STAFF2, Answer.ISSUE, comment="日付") == Outcome.DONE
    assert desk.answer(STAFF2, Answer.OK) == Outcome.UNCHANGED


def test_a_returned_draft_is_resubmitted_by_its_author_alone_from_the_first_step(desk: Desk) -> None:
    desk.submit(approvers=(HEAD,))
    desk.answer(HEAD, Answer.RETURN, comment="表現を修正")
    form = DraftForm("@soja_kanko", "直した本文", DraftKind.OFFICIAL_VIEW, [], [HEAD], None, None, None, False)

    assert desk.run(authoring.resubmit, 1, form, STAFF2, []) is None
    assert desk.run(authoring.resubmit, 1, form, AUTHOR, []) == authoring.Submitted(1, 2, ["観光 一郎"])
    assert desk.draft() == (DraftStatus.PENDING, 2, 0)
    assert desk.answer(HEAD, Answer.APPROVE) == Outcome.DONE


# -- due dates: expiry and reminders -----------------------------------------------------------------


def test_a_pending_draft_expires_at_its_planned_posting_time_once(desk: Desk) -> None:
    at = THURSDAY + timedelta(hours=3)
    desk.submit(scheduled_at=at)

    assert desk.at(at - timedelta(seconds=1)).run(sweeps.expire_due) == 0
    assert desk.at(at).run(sweeps.expire_due) == 1
    assert desk.at(at + timedelta(minutes=1)).run(sweeps.expire_due) == 0
    assert desk.draft() == (DraftStatus.EXPIRED, 1, 0)
    assert desk.notices() == [(AUTHOR, "expired")]


def test_a_decision_after_the_planned_posting_time_expires_the_draft_instead(desk: Desk) -> None:
    at = THURSDAY + timedelta(hours=3)
    desk.submit(scheduled_at=at)

    assert desk.at(at).answer(HEAD, Answer.APPROVE) == Outcome.EXPIRED
    assert desk.draft() == (DraftStatus.EXPIRED, 1, 0)


def test_app_home_lists_a_draft_for_its_approver_until_its_planned_posting_time(desk: Desk) -> None:
    at = THURSDAY + timedelta(hours=3)
    desk.submit(approvers=(HEAD,), scheduled_at=at)

    def waiting(when: datetime) -> list[tuple[int, int]]:
        with desk.sessions() as session:
            return [(d.id, r) for d, r in queries.awaiting(session, replace(desk.ctx, now=when), HEAD)]

    assert waiting(at - timedelta(minutes=1)) == [(1, desk.request_of(HEAD))]
    assert waiting(at) == []


def test_approvers_who_have_not_answered_are_reminded_once_after_the_configured_hours(desk: Desk) -> None:
    hours = desk.ctx.directory.config.reminders.approval_reminder_hours
    desk.submit(approvers=(HEAD, DEPUTY))
    due = THURSDAY + timedelta(hours=hours)  # Friday 09:00 JST: office open

    assert desk.at(due - timedelta(minutes=1)).run(sweeps.remind_due) == 0
    assert desk.at(due).run(sweeps.remind_due) == 1
    assert desk.at(due + timedelta(hours=1)).run(sweeps.remind_due) == 0
    assert desk.notices() == [(HEAD, "reminder"), (DEPUTY, "reminder")]


def test_no_reminder_goes_out_while_the_office_is_closed(desk: Desk) -> None:
    desk.submit(approvers=(HEAD,))
    saturday = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)  # 10:00 JST

    assert desk.at(saturday).run(sweeps.remind_due) == 0
    assert desk.notices() == []


def test_after_april_a_steps_new_approvers_are_asked_once(desk: Desk) -> None:
    desk.submit(approvers=(HEAD,))
    april = desk.under(directory(approvers=[DEPUTY]))

    assert april.run(route.readdress) == 1
    assert april.run(route.readdress) == 0
    assert [(user, step) for role, user, _, step, _ in desk.asked() if role == APPROVER] == [(HEAD, 0), (DEPUTY, 0)]
