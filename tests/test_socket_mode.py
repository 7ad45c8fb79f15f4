"""Socket Mode without Slack: the fake API hands out a loopback websocket that sends envelopes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from playground.slack_api import SlackStandIn
from tests.support.bot import RunningBot, running_bot
from tests.support.slack_requests import send


@pytest.fixture
def socket_slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(socket_mode=True) as fake:
        yield fake


@pytest.fixture
def socket_bot(socket_slack: SlackStandIn, database_url: str) -> Iterator[RunningBot]:
    with running_bot(socket_slack, database_url, socket_mode=True) as running:
        socket_slack.wait_for_socket_client()
        yield running


def send_help(fake: SlackStandIn, name: str) -> str:
    """/sns-help as an envelope over the websocket; its envelope id."""
    return fake.send_envelope(
        "slash_commands",
        {
            "command": "/sns-help",
            "text": "",
            "user_id": "U0STAFF1",
            "channel_id": "C0RANDOM",
            "team_id": "T0TEST",
            "api_app_id": "A0TEST",
            "response_url": fake.response_url(name),
            "trigger_id": "1337.42.abcd",
        },
    )


def test_sns_help_over_socket_mode(socket_bot: RunningBot, socket_slack: SlackStandIn) -> None:
    (connection,) = socket_slack.calls_to("apps.connections.open")
    assert connection.token.startswith("xapp-")

    envelope_id = send_help(socket_slack, "socket-help")

    ack = socket_slack.wait_for_ack(envelope_id)
    assert ack["envelope_id"] == envelope_id
    assert ack["payload"]["response_type"] == "ephemeral"  # answered in the ack, as over HTTP
    assert ack["payload"]["blocks"][0]["text"]["text"] == "SNS活用ガイドライン（要点）"


def test_the_port_serves_only_healthz_in_socket_mode(socket_bot: RunningBot) -> None:
    assert send(socket_bot.url, b"", method="GET", path="/healthz", sign=False).status == 200
    assert send(socket_bot.url, b"payload=%7B%7D").status == 404


def test_socket_mode_requests_are_counted_at_metrics(socket_bot: RunningBot, socket_slack: SlackStandIn) -> None:
    envelope_id = send_help(socket_slack, "socket-metrics")
    socket_slack.wait_for_ack(envelope_id)

    reply = send(socket_bot.url, b"", method="GET", path="/metrics", sign=False)

    assert reply.status == 200
    text = reply.body.decode()
    assert 'sns_bot_slack_requests_total{answer="200",kind="command"} 1.0' in text
    assert 'sns_bot_ack_seconds_count{kind="command"} 1.0' in text
