"""What GET /metrics tells an operator, in Prometheus' text format.

Counters live in this process (requests, ack latency, deliveries, reminders); the gauges are read
from the database at scrape time, so every process reports the same backlog: the outbox's here, a
feature's own (open cases by kind) as a CountedGauge it registers at wiring time. Each app has its own
registry: tests and the playground run several in one process. Labels are drawn from fixed sets
(kinds, states, Slack's error codes), never from what people typed: no names, no case content.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.clock import Clock
from storage import stats
from storage.db import SessionFactory
from storage.models import OutboxStatus

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Slack's payload types; anything else is counted as "other" (a label is never the sender's free text).
INTERACTIONS = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion"}
)
# Refused at the HTTP edge before any parsing (signature, size, shape): its kind is unknown.
INVALID = "invalid"
# Slack answers within 3 s or shows the user an error: the buckets are dense below that.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
# "channel_not_found", "HTTP 503: service_unavailable", "HTTP 500", "connection: …": the worker's reasons.
_REASON = re.compile(r"(?:HTTP (?P<status>\d{3})(?:: (?P<error>[a-z_]{1,64}))?|(?P<code>[a-z_]{1,64}))(?:$|[,:])")


def request_kind(body: Mapping[str, Any]) -> str:
    """A Slack request's kind: command, event, one of INTERACTIONS, or other."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind == "event_callback":
        return "event"
    return kind if kind in INTERACTIONS else "other"


def error_label(reason: str | None) -> str:
    """The Slack error code (or http_NNN, connection, gave_up…) in a delivery outcome's reason."""
    if reason is None:
        return "ok"
    if reason.startswith("gave up"):
        return "gave_up"
    if not (match := _REASON.match(reason)):
        return "other"
    return match["error"] or match["code"] or f"http_{match['status']}"


class Metrics:
    def __init__(self, database: Collector | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "sns_bot_slack_requests",
            "Slack requests by kind and HTTP answer",
            ["kind", "answer"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "sns_bot_ack_seconds",
            "Time to answer Slack (the ack)",
            ["kind"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.deliveries = Counter(
            "sns_bot_deliveries",
            "Outbox deliveries settled, by outcome and Slack error",
            ["outcome", "error"],
            registry=self.registry,
        )
        self.reminders = Counter("sns_bot_reminders_sent", "Reminders sent, by kind", ["kind"], registry=self.registry)
        if database is not None:
            self.registry.register(database)

    def answered(self, kind: str, status: int, seconds: float | None = None) -> None:
        self.requests.labels(kind, str(status)).inc()
        if seconds is not None:
            self.ack_seconds.labels(kind).observe(seconds)

    def delivered(self, outcome: str, reason: str | None = None) -> None:
        self.deliveries.labels(outcome, error_label(reason)).inc()

    def reminded(self, kind: str, count: int) -> None:
        if count:
            self.reminders.labels(kind).inc(count)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


@dataclass(frozen=True)
class CountedGauge:
    """A gauge a feature registers: rows counted by one label when scraped, every label value shown (0 too)."""

    name: str
    documentation: str
    label: str
    values: tuple[str, ...]
    count: Callable[[Session], Mapping[str, int]]

    def metric(self, counts: Mapping[str, int]) -> Metric:
        gauge = GaugeMetricFamily(self.name, self.documentation, labels=[self.label])
        for label in self.values:
            gauge.add_metric([label], counts.get(label, 0))
        return gauge


class DatabaseGauges(Collector):
    """The outbox's backlog and the features' counted gauges, counted when scraped."""

    def __init__(self, sessions: SessionFactory, clock: Clock, counted: Sequence[CountedGauge] = ()) -> None:
        self.sessions = sessions
        self.clock = clock
        self.counted = tuple(counted)

    def describe(self) -> Iterable[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily("sns_bot_database_up", "1 when the database answered this scrape")
        try:
            with self.sessions() as session:
                outbox = stats.outbox_by_status(session)
                oldest = stats.oldest_unsent(session)
                counts = [gauge.count(session) for gauge in self.counted]
        except SQLAlchemyError as error:
            log.warning("metrics: the database does not answer: %s", error)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        counted = [gauge.metric(count) for gauge, count in zip(self.counted, counts, strict=True)]
        return [up, *self._outbox(outbox, oldest), *counted]

    def _outbox(self, by_status: Mapping[str, int], oldest: Any) -> list[Metric]:
        messages = GaugeMetricFamily("sns_bot_outbox_messages", "Outbox messages by state", labels=["state"])
        for status in OutboxStatus:
            messages.add_metric([status.value], by_status.get(status, 0))
        age = 0.0 if oldest is None else max(0.0, (self.clock.now() - oldest).total_seconds())
        waiting = GaugeMetricFamily("sns_bot_outbox_oldest_unsent_seconds", "Age of the oldest undelivered message")
        waiting.add_metric([], age)
        return [messages, waiting]
