"""Slack mrkdwn: user text goes in escaped, so typed <!channel> or <@U…> pings nobody."""

from __future__ import annotations

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """Escapes the three characters Slack gives control meaning (its documented rule)."""
    return text.translate(_ESCAPES)
