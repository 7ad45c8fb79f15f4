"""Slack mrkdwn: user text goes in escaped, so typed <!channel> or <@U…> pings nobody."""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Escapes the three characters Slack gives control meaning (its documented rule)."""
    return text.translate(_ESCAPES)


def fit(text: str, limit: int) -> str:
    """Cuts display text to a Block Kit limit (the database keeps it whole)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
