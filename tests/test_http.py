"""The HTTP endpoint, end to end: the real serve path, signed requests, a loopback Slack."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.service import check_health
from playground.slack_api import SlackStandIn
from storage.db import make_engine
from tests.support.bot import RunningBot, running_bot
from tests.support.flow import as_opened, settled
from tests.support.slack_requests import (
    OUTSIDE_WINDOW,
    block_action,
    event_callback,
    interactive,
    send,
    slash_command,
    view_submission,
)


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url) as running:
        yield running


def help_request(fake: SlackStandIn, name: str = "help", user_id: str = "U0STAFF1") -> str:
    return slash_command("/sns-help", user_id=user_id, response_url=fake.response_url(name))


def test_sns_help_answers_with_the_guideline_in_short_in_its_ack(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    reply = send(bot.url, help_request(fake_slack))  # send checks the ack against Slack's rules for messages

    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    blocks = answer["blocks"]
    assert (blocks[0]["type"], blocks[0]["text"]["text"]) == ("header", "SNS活用ガイドライン（要点）")
    everything = json.dumps(blocks, ensure_ascii=False)
    # The offices come from app.yaml; the clauses the bot's features trace back to are cited.
    for expected in (
        "秘書室・市政情報課・総務課",
        "所属長と市政情報課",
        "4(2)③",
        "5(2)③",
        "6(2)",
        "情報セキュリティ責任者",
    ):
        assert expected in everything
    settled(bot)  # a response_url post (the old way of answering) would have arrived by now
    assert fake_slack.calls_to("response_url") == []


def test_app_home_shows_the_guideline_only_on_the_home_tab(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    home = send(
        bot.url,
        event_callback({"type": "app_home_opened", "user": "U0STAFF1", "tab": "home"}),
        content_type="application/json",
    )
    messages = send(
        bot.url,
        event_callback({"type": "app_home_opened", "user": "U0STAFF2", "tab": "messages"}),
        content_type="application/json",
    )

    assert (home.status, messages.status) == (200, 200)
    (published,) = fake_slack.wait_for("views.publish")
    assert published.args["user_id"] == "U0STAFF1"
    assert published.args["view"]["type"] == "home"
    settled(bot)  # a wrongly published second view would have arrived by now
    assert len(fake_slack.calls_to("views.publish")) == 1


def test_an_event_nobody_listens_to_is_acknowledged(bot: RunningBot) -> None:
    reply = send(
        bot.url, event_callback({"type": "reaction_added", "user": "U0STAFF1"}), content_type="application/json"
    )
    assert reply.status == 200


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("unsigned", {"sign": False}),
        ("wrong secret", {"secret": "not-the-secret"}),
        ("older than the window", {"age": OUTSIDE_WINDOW}),
        ("from beyond the window ahead", {"age": -OUTSIDE_WINDOW}),
        ("timestamp not a number", {"headers": {"X-Slack-Request-Timestamp": "soon"}}),
        ("signature of another body", {"headers": {"X-Slack-Signature": "v0=" + "0" * 64}}),
    ],
)
def test_forged_requests_get_401(bot: RunningBot, fake_slack: SlackStandIn, case: str, kwargs: dict) -> None:
    reply = send(bot.url, help_request(fake_slack), **kwargs)

    assert reply.status == 401, case
    assert b"blocks" not in reply.body  # the guideline is told only to a request Slack signed


def test_a_signature_that_is_not_ascii_gets_401_and_one_line_without_traceback(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = send(bot.url, b"", headers={"X-Slack-Signature": "v0=" + "é" * 64})

    assert reply.status == 401
    (line,) = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "bot.http"]
    assert "signature" in line.getMessage()
    assert not any(r.exc_info for r in caplog.records)  # no traceback, from any logger


def test_a_line_break_in_the_path_is_logged_escaped(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        reply = send(bot.url, b"", path="/nowhere%0a2026-12-06%20WARNING%20bot.http:%20forged%0d", sign=False)

    assert reply.status == 404
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and r.name == "bot.http"]
    assert "/nowhere\\n2026-12-06 WARNING bot.http: forged\\r" in line
    assert not set(line) & {"\n", "\r"}


def deeply_nested(depth: int) -> str:
    return (
        interactive({"type": "block_actions", "x": json.loads("[" * depth + "]" * depth)})
        if depth < 900
        else ("payload=" + "%5B" * depth + "%5D" * depth)
    )


FORM, JSON = "application/x-www-form-urlencoded", "application/json"


def _with_state(state: object) -> dict:
    payload = view_submission("report.submit")
    payload["view"]["state"] = state
    return payload


MALFORMED = [
    ("broken JSON", "payload=%7Bnot+json", "application/x-www-form-urlencoded", 400),
    ("JSON that is not an object", "[1, 2, 3]", "application/json", 400),
    ("payload that is not an object", "payload=%5B1%5D", "application/x-www-form-urlencoded", 400),
    ("bytes that are not UTF-8", b"payload=\xff\xfe\xfa", "application/x-www-form-urlencoded", 400),
    ("JSON nested thousands deep", deeply_nested(5000), "application/x-www-form-urlencoded", 400),
    ("JSON nested deeper than Slack ever does", deeply_nested(100), "application/x-www-form-urlencoded", 400),
    ("empty body", b"", "application/x-www-form-urlencoded", 400),
    ("unknown slash command", slash_command("/sns-unknown"), "application/x-www-form-urlencoded", 404),
    ("unknown action id", interactive(block_action("nobody.listens")), "application/x-www-form-urlencoded", 404),
    ("actions that are not a list", interactive({**block_action("x"), "actions": "x"}), FORM, 400),
    ("a button without its user", interactive({k: v for k, v in block_action("x").items() if k != "user"}), FORM, 400),
    ("a submission whose state is not an object", interactive(_with_state("x")), FORM, 400),
    ("a command without a response_url", slash_command("/sns-help", response_url=""), FORM, 400),
    ("an event that is a list, whatever the type", json.dumps({"type": "app_rate_limited", "event": []}), JSON, 400),
]


@pytest.mark.parametrize(("case", "body", "content_type", "status"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_requests_get_a_4xx_and_a_log_line(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, case: str, body: str | bytes, content_type: str, status: int
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = send(bot.url, body, content_type=content_type)

    assert reply.status == status
    assert b"Traceback" not in reply.body
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith(("bot", "sns_bot"))]
    assert warnings, f"{case}: no log line"
    assert not any(r.exc_info for r in caplog.records), f"{case}: a traceback was logged"


def test_an_opened_view_with_a_callback_nobody_listens_to_gets_404_and_a_log_line(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        reply = send(bot.url, interactive(as_opened(bot, view_submission("nobody.listens"))))

    assert reply.status == 404
    assert any("no listener" in r.getMessage() for r in caplog.records)


def test_a_body_over_1_mb_gets_413_not_a_reset(bot: RunningBot) -> None:
    reply = send(bot.url, "payload=" + "x" * (1024 * 1024 + 1))
    assert reply.status == 413


def test_other_paths_and_methods(bot: RunningBot) -> None:
    assert send(bot.url, b"", method="GET", sign=False).status == 405
    assert send(bot.url, b"", path="/nowhere", sign=False).status == 404


def test_healthz_reports_ready_and_database(bot: RunningBot) -> None:
    reply = send(bot.url, b"", method="GET", path="/healthz", sign=False)

    assert reply.status == 200
    assert reply.json() == {"status": "ok", "ready": True, "database": "ok", "delivery": True}


def test_200_concurrent_connections_are_all_served(bot: RunningBot, fake_slack: SlackStandIn) -> None:
    def one(index: int) -> tuple[int, str]:
        reply = send(bot.url, help_request(fake_slack, name=f"c{index}"), timeout=30)
        return reply.status, reply.json()["response_type"]

    with ThreadPoolExecutor(200) as pool:
        answers = list(pool.map(one, range(200)))

    assert answers == [(200, "ephemeral")] * 200


def test_health_is_unavailable_before_start_and_when_the_database_is_gone() -> None:
    ready = threading.Event()
    assert check_health(ready, None) == (False, {"status": "unavailable", "ready": False})

    ready.set()
    gone = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    healthy, details = check_health(ready, gone)
    assert (healthy, details["database"]) == (False, "error")


def test_healthz_is_503_after_stop_begins(bot: RunningBot) -> None:
    bot.service.ready.clear()  # what stop() does first, while requests may still arrive
    reply = send(bot.url, b"", method="GET", path="/healthz", sign=False)

    assert reply.status == 503
    bot.service.ready.set()
