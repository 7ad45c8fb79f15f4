"""Normalised copies of the text that keep their way back to the text as written.

Patterns run on an NFKC-normalised, case-folded copy (full-width ０９０－１２３４ becomes 090-1234, ＊ becomes *,
half-width ｶﾀｶﾅ becomes カタカナ), but every finding must point into the original. Most characters keep their
length under NFKC, so the copy usually lines up 1:1 and no map is built; where a character expands (… → ...,
㈱ → (株)) or marks combine into the letter before them (ｶﾞ → ガ, か + ゛ → が), a map from each position of
the copy to the span of the original it came from is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# Characters that merge into the one before them under normalisation: combining marks, Hangul vowel and
# final jamo, half-width (semi-)voiced sound marks; and \r, which X reads with a following \n as one.
_MERGING = "\u0300-\u036f\u1160-\u11ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a\uff9e\uff9f"
_HAS_MERGING = re.compile(f"[\r{_MERGING}]")
_CLUSTER = re.compile(f"\r\n|.[{_MERGING}]*", re.DOTALL)
_MERGING_AT = re.compile(f"\r\n|.[{_MERGING}]", re.DOTALL)  # at a chunk's last character: the next merges in
_CHUNK = 32

# A link as people paste it: ASCII URL characters up to the first space or Japanese character, without
# the punctuation that usually follows a link in a sentence.
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'"


def nfkc_casefold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class Folded:
    """A normalised copy of ``original`` and the way back from its offsets."""

    __slots__ = ("_ends", "_starts", "original", "text")

    def __init__(self, original: str, transform: Callable[[str], str] = nfkc_casefold) -> None:
        self.original = original
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        merging = _HAS_MERGING.search(original) is not None
        if not merging:
            whole = transform(original)
            if len(whole) == len(original):  # nothing expanded and nothing merged: offsets line up
                self.text = whole
                return
        # Chunk by chunk: most chunks keep their length and map 1:1; only the others go character by
        # character (cluster by cluster where marks merge).
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        position = 0
        while position < len(original):
            end = min(position + _CHUNK, len(original))
            while merging and end < len(original) and _MERGING_AT.match(original, end - 1):
                end += 1  # never split a letter from the marks that merge into it
            piece = transform(original[position:end])
            if len(piece) == end - position and not (merging and _HAS_MERGING.search(original, position, end)):
                pieces.append(piece)
                starts.extend(range(position, end))
                ends.extend(range(position + 1, end + 1))
            else:
                for cluster in _CLUSTER.finditer(original, position, end):
                    piece = transform(cluster.group())
                    pieces.append(piece)
                    starts.extend([cluster.start()] * len(piece))
                    ends.extend([cluster.end()] * len(piece))
            position = end
        self.text = "".join(pieces)
        self._starts, self._ends = starts, ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that the copy's ``[start, end)`` came from."""
        if self._starts is None or self._ends is None:
            return start, end
        size = len(self.original)
        first = self._starts[start] if start < len(self._starts) else size
        last = self._ends[end - 1] if end > start else first
        return first, last


def url_spans(text: str) -> list[tuple[int, int]]:
    """Where links are in ``text`` (normalised or not), trailing sentence punctuation left out."""
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and (text[end - 1] in _URL_TRAILING or _unbalanced_close(text, start, end)):
            end -= 1
        spans.append((start, end))
    return spans


def _unbalanced_close(text: str, start: int, end: int) -> bool:
    # "（https://example.jp）" normalises to "(https://example.jp)": the ")" closes the sentence's bracket.
    url = text[start:end]
    return (url[-1] == ")" and url.count(")") > url.count("(")) or url[-1] in "(["


_SPACE = re.compile(r"\s+")


def normalise_for_repetition(text: str) -> str:
    """The key two texts are compared by: NFKC (width), case-folded, without links or whitespace."""
    folded = nfkc_casefold(text)
    without_links = _URL.sub("", folded)
    return _SPACE.sub("", without_links)
