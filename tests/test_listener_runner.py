"""bot/listener_runner.py: the answer goes back when the listener acks, with Bolt's semantics otherwise."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.listener import thread_runner
from slack_sdk import WebClient

from bot.listener_runner import prompt_runner

COMMAND = "/sns-test"


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    def no_polling(_seconds: float) -> None:
        raise AssertionError("the request's thread polled for the ack")

    monkeypatch.setattr(thread_runner.time, "sleep", no_polling)  # Bolt's runner polls with time.sleep(0.01)
    with ThreadPoolExecutor(4) as pool:
        bolt = App(
            client=WebClient(token="xoxb-test"),
            authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T0", bot_token="xoxb-test"),
            token_verification_enabled=False,
            request_verification_enabled=False,
            listener_executor=pool,
        )
        bolt._listener_runner = prompt_runner(bolt._listener_runner)  # as bot.app.MeteredApp does
        yield bolt


def command(app: App, listener: Callable[..., None]) -> BoltResponse:
    app.command(COMMAND)(listener)
    body = urlencode({"command": COMMAND, "team_id": "T0", "user_id": "U0", "text": ""})
    return app.dispatch(BoltRequest(body=body, headers={"content-type": ["application/x-www-form-urlencoded"]}))


def test_the_answer_goes_back_at_the_ack_while_the_listener_goes_on(app: App) -> None:
    finished = threading.Event()

    def listener(ack: Ack) -> None:
        threading.Event().wait(0.05)  # the work before the ack: the request's thread is waiting by then
        ack("受け付けました")
        finished.wait(5)  # the rest of the listener's work

    answer = command(app, listener)
    finished.set()

    assert (answer.status, answer.body) == (200, "受け付けました")


def test_an_error_before_the_ack_is_answered_by_the_error_handler(app: App) -> None:
    @app.error
    def handle(error: Exception) -> BoltResponse:
        return BoltResponse(status=404, body=f"handled: {error}")

    def listener(ack: Ack) -> None:
        raise RuntimeError("boom")

    answer = command(app, listener)

    assert (answer.status, answer.body) == (404, "handled: boom")


def test_an_error_after_the_ack_leaves_the_ack_as_the_answer(app: App) -> None:
    handled = threading.Event()

    @app.error
    def handle(error: Exception) -> None:
        handled.set()

    def listener(ack: Ack) -> None:
        ack()
        raise RuntimeError("after the answer")

    answer = command(app, listener)

    assert answer.status == 200
    assert handled.wait(5)
