"""Slack mrkdwn: user text goes in escaped, so typed <!channel> or <@U…> pings nobody; and cut to
fit Block Kit's limits without breaking what Slack would parse."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.catalog import t

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
ELLIPSIS = "…"
# What a cut must not split: an escape, or a mention or link (<@U…>, <https://…|…>) the bot wrote.
_UNSPLITTABLE = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")


def escape(text: str) -> str:
    """Escapes the three characters Slack gives control meaning (its documented rule)."""
    return text.translate(_ESCAPES)


def fit(text: str, limit: int) -> str:
    """Cuts display text (plain or mrkdwn) to a Block Kit limit, ending in 「…」 when cut; never
    inside an escape or a mention, so ``fit(escape(x), n)`` is safe. The database keeps it whole."""
    if len(text) <= limit:
        return text
    cut = limit - len(ELLIPSIS)
    for token in _UNSPLITTABLE.finditer(text):
        if token.start() >= cut:
            break
        if token.end() > cut:
            cut = token.start()
            break
    return text[:cut] + ELLIPSIS


def fit_escaped(text: str, limit: int) -> str:
    """Typed text, escaped, in at most ``limit`` characters."""
    return fit(escape(text), limit)


def was_cut(text: str, limit: int) -> bool:
    """Whether ``fit(text, limit)`` leaves something out (then say where the whole text is)."""
    return len(text) > limit


def fitting(items: Sequence[str], limit: int, separator: str) -> list[str]:
    """The first items that, joined by ``separator``, fit in ``limit`` characters: whole items only."""
    shown: list[str] = []
    length = -len(separator)
    for item in items:
        length += len(separator) + len(item)
        if length > limit:
            break
        shown.append(item)
    return shown


def joined(items: Sequence[str], limit: int, *, separator: str = "、", more: str = "common.others") -> str:
    """Whole items (names, URLs; mrkdwn) joined in at most ``limit`` characters: as many as fit, then
    ``more`` (「ほか N 名」). An item is never cut, so a mention stays a mention and a URL stays whole."""
    if len(separator.join(items)) <= limit:
        return separator.join(items)
    room = limit - len(t(more, count=len(items)))  # the longest the suffix can be
    shown = fitting(items, room, separator)
    return separator.join(shown) + t(more, count=len(items) - len(shown))
