"""A listener that fails: the user gets a Japanese message with a reference, the log the traceback."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from slack_bolt import Ack

from bot.errors import BadRequest
from playground.slack_api import SlackStandIn
from tests.support.bot import RunningBot, running_bot
from tests.support.flow import as_opened
from tests.support.slack_requests import interactive, send, slash_command, view_submission


def boom(ack: Ack) -> None:
    raise RuntimeError("database exploded")


def tampered(ack: Ack) -> None:
    raise BadRequest("private_metadata does not parse")


def boom_after_ack(ack: Ack) -> None:
    ack()
    raise RuntimeError("failed after the ack")


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url) as running:
        app = running.service.app
        app.command("/sns-boom")(boom)
        app.command("/sns-late")(boom_after_ack)
        app.view("test.tampered")(tampered)
        app.view("test.boom")(boom)
        yield running


def test_a_failing_command_answers_in_japanese_with_a_reference(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    reply = send(bot.url, slash_command("/sns-boom"))

    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    reference = re.search(r"参照番号 (\w+)", body["text"]).group(1)
    failure = next(r for r in caplog.records if "listener failed" in r.getMessage())
    assert reference in failure.getMessage()
    assert failure.exc_info is not None  # the traceback is in the log, not in Slack
    assert "database exploded" not in reply.body.decode()


def test_a_failing_submission_turns_the_modal_into_an_error_view(bot: RunningBot) -> None:
    reply = send(bot.url, interactive(as_opened(bot, view_submission("test.boom"))))

    assert reply.status == 200
    assert reply.json()["response_action"] == "update"
    assert reply.json()["view"]["title"]["text"] == "エラーが発生しました"


def test_a_failure_after_the_ack_is_told_through_response_url(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    reply = send(bot.url, slash_command("/sns-late", response_url=fake_slack.response_url("late")))

    assert reply.status == 200
    (told,) = fake_slack.wait_for("response_url")
    assert "参照番号" in told.args["text"]


def test_tampered_metadata_gets_400_and_one_warning(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        reply = send(bot.url, interactive(as_opened(bot, view_submission("test.tampered"))))

    assert reply.status == 400
    (warning,) = [r for r in caplog.records if r.name == "sns_bot.listeners"]
    assert "bad request" in warning.getMessage()
    assert warning.exc_info is None
