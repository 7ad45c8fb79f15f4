"""The playground's metrics panel: the bot's /metrics text summed up in Japanese rows."""

from __future__ import annotations

from bot.catalog import t
from bot.metrics import Metrics
from playground.metrics_panel import summary

GAUGES = """\
# TYPE sns_bot_outbox_messages gauge
sns_bot_outbox_messages{state="pending"} 2.0
sns_bot_outbox_messages{state="sending"} 1.0
sns_bot_outbox_messages{state="sent"} 40.0
sns_bot_outbox_messages{state="failed"} 1.0
# TYPE sns_bot_outbox_oldest_unsent_seconds gauge
sns_bot_outbox_oldest_unsent_seconds 12.4
# TYPE sns_bot_cases_open gauge
sns_bot_cases_open{kind="flame"} 2.0
sns_bot_cases_open{kind="mistake"} 0.0
"""


def test_summary_rows() -> None:
    metrics = Metrics()
    metrics.answered("command", 200, 0.010)
    metrics.answered("view_submission", 200, 0.030)
    metrics.answered("invalid", 401)
    metrics.delivered("sent")
    metrics.delivered("failed", "channel_not_found")
    metrics.reminded("approval", 3)

    rows = {row["label"]: row["value"] for row in summary(metrics.exposition().decode() + GAUGES)}

    def row(key: str) -> str:
        return rows[t(f"playground.metrics.{key}")]

    assert (row("requests"), row("refused"), row("ack_average")) == ("3", "1", "20 ms")
    assert (row("outbox_waiting"), row("outbox_oldest"), row("outbox_failed")) == ("3", "12 s", "1")
    assert row("delivery_errors") == "channel_not_found 1"
    assert row("reminders") == "approval 3"
    assert row("cases_open") == "炎上 2"


def test_summary_of_a_fresh_bot() -> None:
    rows = {row["label"]: row["value"] for row in summary(Metrics().exposition().decode())}

    assert rows[t("playground.metrics.requests")] == "0"
    assert rows[t("playground.metrics.ack_average")] == "—"
    assert rows[t("playground.metrics.cases_open")] == "0"
