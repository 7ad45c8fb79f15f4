"""GET /metrics (issue 15): scraped over HTTP from the real serve path after signed traffic, on SQLite and
PostgreSQL. Counters move with requests and deliveries, the ack histogram is there, the database gauges
match the tables, nothing private shows, and the endpoint answers GET only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

import handlers
from bot.metrics import DatabaseGauges, Metrics, error_label, request_kind
from bot.scheduler import run_recorded
from playground.slack_api import SlackStandIn
from storage import outbox
from storage.db import SessionFactory, make_engine, make_sessions
from tests.support.bot import RunningBot, running_bot
from tests.support.clock import FrozenClock
from tests.support.process import eventually
from tests.support.report import (
    DEFAULT_SUMMARY,
    DEFAULT_URL,
    PUBLIC_INFO,
    STAFF1,
    delivered,
    submit_report,
    unpaced_config,
)
from tests.support.slack_requests import send, slash_command

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def bot(fake_slack: SlackStandIn, database_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[RunningBot]:
    with running_bot(fake_slack, database_url, clock=clock, config_path=unpaced_config(tmp_path)) as running:
        yield running


def scrape_text(bot: RunningBot) -> str:
    reply = send(bot.url, b"", path="/metrics", method="GET", sign=False)
    assert reply.status == 200
    return reply.body.decode()


def parse(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_after_traffic(bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock) -> None:
    before = parse(scrape_text(bot))
    help_reply = send(bot.url, slash_command("/sns-help", response_url=fake_slack.response_url("help")))
    forged = send(bot.url, slash_command("/sns-help"), sign=False)
    report = submit_report(bot, clock)
    assert (help_reply.status, forged.status, report.status) == (200, 401, 200)
    delivered(bot)

    text = scrape_text(bot)
    after = parse(text)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("sns_bot_slack_requests_total", kind="command", answer="200") == 1
    assert moved("sns_bot_slack_requests_total", kind="view_submission", answer="200") == 1
    assert moved("sns_bot_slack_requests_total", kind="invalid", answer="401") == 1
    assert moved("sns_bot_ack_seconds_count", kind="command") == 1
    assert moved("sns_bot_ack_seconds_bucket", kind="view_submission", le="+Inf") == 1
    assert value(after, "sns_bot_ack_seconds_sum", kind="command") > 0
    # The database gauges, as the tables are: one open 炎上, every copy sent, nothing waiting.
    sent = fake_slack.calls_to("chat.postMessage") + fake_slack.calls_to("chat.update")
    assert value(after, "sns_bot_deliveries_total", outcome="sent", error="ok") == len(sent) > 0
    assert value(after, "sns_bot_outbox_messages", state="sent") == len(sent)
    assert value(after, "sns_bot_outbox_messages", state="pending") == 0
    assert value(after, "sns_bot_outbox_oldest_unsent_seconds") == 0
    assert value(after, "sns_bot_cases_open", kind="flame") == 1
    assert value(after, "sns_bot_cases_open", kind="impersonation") == 0
    assert value(after, "sns_bot_database_up") == 1
    # Counts only: no case content, no people, no channels.
    for private in (DEFAULT_SUMMARY, DEFAULT_URL, "x.com", STAFF1, PUBLIC_INFO, "SNS-2026"):
        assert private not in text


def test_deliveries_are_counted_by_slack_error(bot: RunningBot, fake_slack: SlackStandIn, clock: FrozenClock) -> None:
    fake_slack.fail_next("chat.postMessage", status=503, error="service_unavailable")
    submit_report(bot, clock)

    def retried() -> float:
        return value(parse(scrape_text(bot)), "sns_bot_deliveries_total", outcome="retry", error="service_unavailable")

    assert eventually(retried, timeout=10, what="a retry counted")
    clock.advance(seconds=5)  # the retry falls due
    bot.service.worker.wake()
    delivered(bot)


def test_reminders_are_counted_by_kind(bot: RunningBot, clock: FrozenClock) -> None:
    submit_report(bot, clock)  # a 炎上 nobody acknowledges
    delivered(bot)
    (escalate,) = [job for job in handlers.JOBS if job.id == "report.escalate"]
    clock.advance(minutes=31)

    run_recorded(escalate, bot.service.runtime)  # as the scheduler runs it
    run_recorded(escalate, bot.service.runtime)  # sent once: nothing more to count

    samples = parse(scrape_text(bot))
    assert value(samples, "sns_bot_reminders_sent_total", kind="case_escalation") == 1


def test_metrics_answer_get_only(bot: RunningBot) -> None:
    for method in ("POST", "PUT", "DELETE", "HEAD"):
        reply = send(bot.url, b"x=1", path="/metrics", method=method, sign=False)
        assert reply.status == 405, method
    reply = send(bot.url, b"", path="/metrics?name[]=sns_bot_cases_open", method="GET", sign=False)
    assert reply.status == 200


def test_database_gauges_count_the_oldest_unsent_message(sessions: SessionFactory, clock: FrozenClock) -> None:
    with sessions.begin() as session:
        outbox.post_message(session, channel="C0PUBLICINFO", message={"text": "一"}, now=clock.now())
    clock.advance(seconds=90)
    with sessions.begin() as session:
        outbox.post_message(session, channel="C0PUBLICINFO", message={"text": "二"}, now=clock.now())
    clock.advance(seconds=10)

    samples = parse(Metrics(DatabaseGauges(sessions, clock)).exposition().decode())

    assert value(samples, "sns_bot_outbox_messages", state="pending") == 2
    assert value(samples, "sns_bot_outbox_oldest_unsent_seconds") == pytest.approx(100)


def test_database_gauges_say_when_the_database_does_not_answer(clock: FrozenClock, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")  # no tables: every query fails
    try:
        samples = parse(Metrics(DatabaseGauges(make_sessions(engine), clock)).exposition().decode())
    finally:
        engine.dispose()

    assert value(samples, "sns_bot_database_up") == 0
    assert not any(name == "sns_bot_cases_open" for name, _ in samples)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"command": "/sns-report"}, "command"),
        ({"type": "event_callback"}, "event"),
        ({"type": "view_submission"}, "view_submission"),
        ({"type": "\n{evil} label"}, "other"),
        ({}, "other"),
    ],
)
def test_request_kinds_are_a_fixed_set(body: dict[str, str], kind: str) -> None:
    assert request_kind(body) == kind


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        (None, "ok"),
        ("channel_not_found", "channel_not_found"),
        ("ratelimited", "ratelimited"),
        ("HTTP 503: service_unavailable", "service_unavailable"),
        ("HTTP 500: server error", "http_500"),
        ("HTTP 404", "http_404"),
        ("connection: [Errno 111] Connection refused", "connection"),
        ("invalid_blocks, refused as plain text too (first: msg_too_long)", "invalid_blocks"),
        (f"gave up after 3 attempts over {timedelta(days=1)}; last: connection: reset", "gave_up"),
        ("Something Unusual", "other"),
    ],
)
def test_delivery_reasons_become_slack_error_labels(reason: str | None, label: str) -> None:
    assert error_label(reason) == label
