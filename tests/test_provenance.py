"""Modals have provenance: a submission is acted on only for a view the bot opened for that person.

The modals are opened for real (a command, a message shortcut, a case's button) through the stand-in's
views.open; the submissions carry the view id and external_id Slack would send back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.catalog import t
from handlers.common import modals
from playground.slack_api import Call, SlackStandIn
from storage.models import Case, Draft, OpenedView
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.process import eventually
from tests.support.report import (
    HEAD,
    STAFF1,
    STAFF2,
    click,
    copies,
    count,
    delivered,
    report_values,
    submit_report,
    unpaced_config,
)
from tests.support.slack_requests import Reply, interactive, send, slash_command, view_submission

REFUSED = t("common.not_opened.title")


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url, clock=clock, config_path=unpaced_config(tmp_path)) as running:
        yield running


def open_report(bot: RunningBot, fake: SlackStandIn, user_id: str) -> dict[str, Any]:
    """``/sns-report`` as ``user_id``: the modal as Slack holds it (its id and our external_id)."""
    before = len(fake.calls_to("views.open"))
    assert send(bot.url, slash_command("/sns-report", user_id=user_id)).status == 200
    view = shown(fake, fake.wait_for("views.open", count=before + 1)[-1])
    eventually(lambda: view["id"] in {r[0] for r in records(bot)}, timeout=10, what="the view id recorded")
    return view


def shown(fake: SlackStandIn, call: Call) -> dict[str, Any]:
    """The view a views.open call opened, found in the stand-in by the external_id the bot gave it."""
    external_id = call.args["view"]["external_id"]
    (view,) = [v.view for v in fake.workspace.views.values() if v.view.get("external_id") == external_id]
    return view


def submit(bot: RunningBot, clock: FrozenClock, view: dict[str, Any], *, user_id: str, callback: str = "") -> Reply:
    """A report's submission of ``view``, as Slack sends it: the view's id and external_id."""
    discovered = int(clock.now().timestamp()) - 60
    payload = view_submission(
        callback or view["callback_id"], user_id=user_id, values=report_values(discovered_at=discovered)
    )
    payload["view"].update(id=view["id"], external_id=view["external_id"])
    return send(bot.url, interactive(payload))


def refused(reply: Reply) -> bool:
    return reply.status == 200 and reply.json()["view"]["title"]["text"] == REFUSED


def records(bot: RunningBot) -> list[tuple[str | None, str, str, str | None]]:
    with bot.service.runtime.sessions() as session:
        rows = session.scalars(select(OpenedView).order_by(OpenedView.opened_at, OpenedView.purpose))
        return [(r.view_id, r.user_id, r.purpose, r.subject) for r in rows]


def test_a_view_opened_for_one_person_is_refused_from_another_and_accepted_from_them(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    view = open_report(bot, fake_slack, STAFF1)

    with caplog.at_level(logging.WARNING):
        stranger = submit(bot, clock, view, user_id=STAFF2)
    assert refused(stranger)
    (line,) = [r.getMessage() for r in caplog.records if r.name == "sns_bot.listeners"]
    assert view["id"] in line
    assert STAFF2 in line
    assert count(bot, Case) == 0

    owner = submit(bot, clock, view, user_id=STAFF1)
    assert owner.json()["response_action"] == "update"
    assert not refused(owner)
    assert count(bot, Case) == 1


def test_a_view_id_the_bot_never_opened_is_refused_and_nothing_changes(
    bot: RunningBot, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = submit_report_unopened(bot, clock)

    assert refused(reply)
    assert count(bot, Case) == 0
    assert len([r for r in caplog.records if r.name == "sns_bot.listeners"]) == 1
    assert not any(r.exc_info for r in caplog.records)


def submit_report_unopened(bot: RunningBot, clock: FrozenClock) -> Reply:
    discovered = int(clock.now().timestamp()) - 60
    payload = view_submission("report.submit", user_id=STAFF1, values=report_values(discovered_at=discovered))
    return send(bot.url, interactive(payload))


def test_a_submission_that_beats_views_opens_answer_is_accepted_by_its_external_id(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    """Slack shows the modal about when views.open answers; the bot may record the view id a moment later."""
    fake_slack.latency = 1.5  # the stand-in holds its answer: the modal is open, the bot does not know its id yet
    assert send(bot.url, slash_command("/sns-report", user_id=STAFF1)).status == 200
    (call,) = fake_slack.wait_for("views.open")
    view = shown(fake_slack, call)
    assert records(bot) == [(None, STAFF1, "report.submit", None)]  # written before the call

    reply = submit(bot, clock, view, user_id=STAFF1)

    assert not refused(reply)
    assert count(bot, Case) == 1


def test_a_view_opened_for_one_feature_is_refused_for_another(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    view = open_report(bot, fake_slack, STAFF1)

    assert refused(submit(bot, clock, view, user_id=STAFF1, callback="draft.submit"))
    assert count(bot, Draft) == 0


def test_every_way_of_opening_a_modal_records_for_whom_what_for_and_about_what(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    assert submit_report(bot, clock).status == 200
    delivered(bot)
    head_copy = copies(bot)[HEAD]
    fake_slack.clear()

    open_report(bot, fake_slack, STAFF2)
    assert send(bot.url, slash_command("/sns-draft", user_id=STAFF1)).status == 200
    assert send(bot.url, slash_command("/sns-account", user_id=HEAD, text="apply")).status == 200
    click(bot, fake_slack, head_copy, "report.case.resolve", user_id=HEAD)
    opened = fake_slack.wait_for("views.open", count=4)

    assert all(call.args["view"]["external_id"] for call in opened)
    recorded = {(user, purpose, subject) for _, user, purpose, subject in records(bot)}
    assert recorded >= {
        (STAFF2, "report.submit", None),
        (STAFF1, "draft.submit", None),
        (HEAD, "application.page1.submit", None),
        (HEAD, "report.resolve.submit", f"case:{head_copy.case_id}"),
    }


def test_views_older_than_a_week_are_swept_and_their_submission_refused(
    bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock
) -> None:
    old = open_report(bot, fake_slack, STAFF1)
    clock.advance(days=6)
    recent = open_report(bot, fake_slack, STAFF1)
    clock.advance(days=1, seconds=1)

    assert modals.sweep(bot.service.runtime) == 1

    assert [view_id for view_id, *_ in records(bot)] == [recent["id"]]
    assert refused(submit(bot, clock, old, user_id=STAFF1))
    assert not refused(submit(bot, clock, recent, user_id=STAFF1))
