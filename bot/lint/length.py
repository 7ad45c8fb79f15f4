"""X's weighted length (twitter-text v3): most characters of Japanese count 2, Latin letters, digits and
common punctuation 1, every link 23 however long, every emoji 2 however many code points it is made of.

twitter-text's own parse_tweet scans the whole text for emoji with a very large pattern (about 6 ms for
2,000 characters), so the same count is made here from its pieces: its link extractor, its weight table,
and its emoji extractor, run only on the stretches that hold a code point that can make an emoji weigh
differently from its characters (sequences joined by ZWJ, variation selectors, keycaps, flags, skin tones,
tags, and © ® which are light alone but count 2 as emoji). Elsewhere an emoji weighs what its one code
point weighs.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from bot.lint.text import Folded


@dataclass(frozen=True)
class _Weights:
    """twitter-text's v3 table and extractors. Loaded by the first X text, not at start-up: importing
    twitter-text compiles its patterns and pkg_resources (~0.3 s and ~18 MB), most starts never lint for X."""

    heavy: int  # every character outside ``light`` weighs this much
    light: re.Pattern[str]  # characters of weight 1
    url: int
    emoji: int
    extract_emojis: Callable[[str], list[dict]]
    extract_urls: Callable[[str], list[dict]]


@cache
def _weights() -> _Weights:
    from twitter_text import extract_emojis_with_indices, extract_urls_with_indices
    from twitter_text.config import config

    v3 = config["defaults"]
    scale: int = v3["scale"]
    if any(r["weight"] != scale for r in v3["ranges"]):
        raise RuntimeError("twitter-text's weight table is no longer 1 or 2 per character: revisit bot.lint.length")
    ranges = "".join(f"{re.escape(chr(r['start']))}-{re.escape(chr(r['end']))}" for r in v3["ranges"])
    return _Weights(
        heavy=v3["default_weight"] // scale,
        light=re.compile(f"[{ranges}]"),
        url=v3["transformed_url_length"],
        emoji=v3["default_weight"] // scale,
        extract_emojis=extract_emojis_with_indices,
        extract_urls=extract_urls_with_indices,
    )


_EMOJI_HINT = re.compile(
    "[\u00a9\u00ae\u200d\u20e3\ufe0e\ufe0f\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]"
)
# No emoji contains a space, a Latin letter, kana, kanji or full-width form, so the emoji pattern needs to
# read only the runs between them (〰 U+3030 and 〽 U+303D are emoji and stay in the runs).
_EMOJI_RUN = re.compile("[^\\sA-Za-z\u3001-\u302f\u3031-\u303c\u303e-\u30ff\u4e00-\u9fff\uff01-\uffef]+")


def _to_x(text: str) -> str:
    # What X counts: NFC, with \r\n and \r read as \n.
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


def _entities(text: str) -> dict[int, tuple[int, int]]:
    """start → (end, weight) of the links and emoji of ``text``."""
    weights = _weights()
    found: dict[int, tuple[int, int]] = {}
    seen: dict[str, list[dict]] = {}  # the same emoji run tends to come back (🎉🎉, 👍🏻)
    for run in _EMOJI_RUN.finditer(text):
        if _EMOJI_HINT.search(run.group()):
            emojis = seen.get(run.group())
            if emojis is None:
                emojis = seen[run.group()] = weights.extract_emojis(run.group())
            for emoji in emojis:
                start, end = emoji["indices"]
                found[run.start() + start] = (run.start() + end, weights.emoji)
    if "." in text:  # every link twitter-text recognises has a dot in its domain
        urls = [url["indices"] for url in weights.extract_urls(text)]
        if found:  # an emoji inside a link is part of the link
            starts = [start for start, _ in urls]
            for emoji in list(found):
                index = bisect_right(starts, emoji) - 1
                if index >= 0 and emoji < urls[index][1]:
                    del found[emoji]
        found.update((start, (end, weights.url)) for start, end in urls)
    return found


def _weight(segment: str) -> int:
    weights = _weights()
    return weights.heavy * len(segment) - (weights.heavy - 1) * len(weights.light.findall(segment))


def _walk(text: str, limit: int | None) -> tuple[int, int | None]:
    """X's weighted length of ``text`` (already NFC) and the offset of the first character that takes it
    over ``limit``, if any."""
    entities = _entities(text)
    total, crossing, position = 0, None, 0
    for start in sorted(entities):
        segment = text[position:start]
        weight = _weight(segment)
        if crossing is None and limit is not None and total + weight > limit:
            crossing = position + _crossing_in(segment, limit - total)
        total += weight
        end, weight = entities[start]
        if crossing is None and limit is not None and total + weight > limit:
            crossing = start  # a link or emoji is never split
        total += weight
        position = end
    segment = text[position:]
    weight = _weight(segment)
    if crossing is None and limit is not None and total + weight > limit:
        crossing = position + _crossing_in(segment, limit - total)
    return total + weight, crossing


def _crossing_in(segment: str, room: int) -> int:
    weights, used = _weights(), 0
    for index, char in enumerate(segment):
        used += 1 if weights.light.match(char) else weights.heavy
        if used > room:
            return index
    raise AssertionError("the segment was not over")  # pragma: no cover: callers know it is


def weighted_over(text: str, limit: int) -> tuple[int, int] | None:
    """``(weighted length, offset in text where it crosses limit)`` when ``text`` is over ``limit`` as X
    counts it, else None. The text is only walked when it can be over."""
    if "." not in text and _weights().heavy * len(text) <= limit:
        return None  # no link possible and no character weighs more than ``heavy``
    folded = Folded(text, _to_x)
    total, crossing = _walk(folded.text, limit)
    if crossing is None:
        return None
    return total, folded.span(crossing, crossing + 1)[0]


def weighted_length(text: str) -> int:
    """X's weighted length of ``text``, as twitter-text's parse_tweet counts it."""
    return _walk(_to_x(text), None)[0]
