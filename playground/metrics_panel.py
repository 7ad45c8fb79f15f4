"""The page's small panel of the bot's GET /metrics: what an operator's dashboard would show, in a few lines."""

from __future__ import annotations

import http.client
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from prometheus_client.parser import text_string_to_metric_families

from bot.catalog import t

Json = dict[str, Any]
# sample name -> {label values...: value}
Samples = dict[str, dict[tuple[tuple[str, str], ...], float]]


def fetch_metrics(bot_url: str, timeout: float = 5.0) -> str:
    """The bot's /metrics text; OSError when the bot does not answer."""
    parts = urlsplit(bot_url)
    # http.client, not urllib: urllib would send even a loopback request through a configured proxy.
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", "/metrics")
        response = connection.getresponse()
        body = response.read().decode("utf-8")
    finally:
        connection.close()
    if response.status != 200:
        raise OSError(f"GET /metrics answered {response.status}")
    return body


def summary(text: str) -> list[Json]:
    """Rows of {label, value} in Japanese for the panel, from the Prometheus text."""
    samples = _samples(text)
    requests = samples["sns_bot_slack_requests_total"]
    ack_count, ack_sum = _total(samples["sns_bot_ack_seconds_count"]), _total(samples["sns_bot_ack_seconds_sum"])
    outbox = _by(samples["sns_bot_outbox_messages"], "state")
    deliveries = samples["sns_bot_deliveries_total"]
    rows = [
        ("requests", f"{_total(requests):.0f}"),
        ("refused", f"{sum(v for labels, v in requests.items() if dict(labels)['answer'] != '200'):.0f}"),
        ("ack_average", f"{ack_sum / ack_count * 1000:.0f} ms" if ack_count else "—"),
        ("outbox_waiting", f"{outbox.get('pending', 0) + outbox.get('sending', 0):.0f}"),
        ("outbox_oldest", f"{_total(samples['sns_bot_outbox_oldest_unsent_seconds']):.0f} s"),
        ("outbox_failed", f"{outbox.get('failed', 0):.0f}"),
        ("delivery_errors", _listing(_by(_without(deliveries, error="ok"), "error"))),
        ("reminders", _listing(_by(samples["sns_bot_reminders_sent_total"], "kind"))),
        (
            "cases_open",
            _listing({t(f"report.kind.{k}"): v for k, v in _by(samples["sns_bot_cases_open"], "kind").items()}),
        ),
    ]
    return [{"label": t(f"playground.metrics.{key}"), "value": value} for key, value in rows]


def _samples(text: str) -> Samples:
    samples: Samples = defaultdict(dict)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[sample.name][tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def _total(series: dict[Any, float]) -> float:
    return sum(series.values())


def _by(series: dict[tuple[tuple[str, str], ...], float], label: str) -> dict[str, float]:
    grouped: dict[str, float] = defaultdict(float)
    for labels, value in series.items():
        grouped[dict(labels)[label]] += value
    return dict(grouped)


def _without(series: dict[tuple[tuple[str, str], ...], float], **excluded: str) -> dict[Any, float]:
    return {labels: v for labels, v in series.items() if not excluded.items() <= dict(labels).items()}


def _listing(counts: dict[str, float]) -> str:
    shown: Iterable[str] = (f"{name} {value:.0f}" for name, value in sorted(counts.items()) if value)
    return "、".join(shown) or "0"
