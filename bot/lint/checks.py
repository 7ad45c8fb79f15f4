"""One function per rule. Each looks at the normalised copy of the text and reports spans of the original."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from difflib import SequenceMatcher

import phonenumbers
from phonenumbers import Leniency

from bot.catalog import t
from bot.lint.length import weighted_over
from bot.lint.model import Finding, Rule, Severity
from bot.lint.text import Folded, nfkc_casefold, normalise_for_repetition, url_spans
from bot.lint.words import FORBIDDEN_EXCEPTIONS, UNDECIDED_WORDS

Span = tuple[int, int]


def _overlaps(start: int, end: int, spans: Iterable[Span]) -> bool:
    return any(low < end and start < high for low, high in spans)


class Context:
    """The text, its normalised copy and where its links are, shared by the checks."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = Folded(text)
        self.urls: list[Span] = url_spans(self.folded.text)

    def in_url(self, start: int, end: int) -> bool:
        return _overlaps(start, end, self.urls)

    def finding(self, rule: Rule, severity: Severity, start: int, end: int, key: str, **params: object) -> Finding:
        """A finding for the copy's ``[start, end)``, pointing into the original."""
        first, last = self.folded.span(start, end)
        excerpt = self.text[first:last]
        return Finding(rule, severity, first, last, excerpt, t(f"lint.{key}", excerpt=excerpt, **params))


# -- 個人情報 (4(2)②, 4(3)①) -------------------------------------------------------------------------------

# libphonenumber is the slowest check (each candidate it parses costs), so it reads only windows around runs
# of digits that could be a Japanese number: ten or more digits apart by at most a few separators, starting
# with 0 (03-…, 090-…, 0120-…), + or 81 (+81 3-…). Dates, times, prices and years start otherwise.
_PHONE_RUN = re.compile(r"[+(]?\d(?:[-‐―−ー()\[\]/. ~\u3000]{0,4}\d)*")
_PHONE_CONTEXT = 24  # enough for the matcher to see what stands around a number (":00" after a date, "ext. 12")
_EMAIL = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]*"
    r"@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(?![a-z0-9-])"
)
# 12 digits, unbroken or grouped 4-4-4 by one kind of separator, not part of a longer number (more digits,
# more groups, decimals).
_SEP = "\\- ‐−ー"
_MY_NUMBER = re.compile(rf"(?<![\d.,])(?<!\d[{_SEP}])\d{{4}}([{_SEP}]?)\d{{4}}\1\d{{4}}(?!\d)(?![.,{_SEP}]\d)")
# Addresses down to the lot: 一丁目1番1号, 1丁目2-3, 123番地, 123番地の4, 1番1号. 丁目 alone names a district
# and is not a finding, nor is 番 alone (110番, 1番線).
_NUM = r"(?:\d{1,5}|[一二三四五六七八九十百千][一二三四五六七八九十百千〇]{0,5})"  # 〇〇丁目 hides, see fuseji
_LOT = "[\\-‐−ーの]"
_ADDRESS = re.compile(
    rf"{_NUM}丁目{_NUM}(?:番地?|{_LOT})(?:{_NUM}(?:号|(?:{_LOT}{_NUM})*))?"
    rf"|{_NUM}番地(?:{_LOT}?{_NUM}号?)?"
    rf"|{_NUM}番{_NUM}号"
)
# The place name before the number (総社市中央) belongs to the excerpt: kanji and katakana, stopping at the
# particle or space before it.
_PLACE_CHAR = re.compile(r"[\u4e00-\u9fff々ヵヶァ-ヺー]")
_PLACE_REACH = 15


def personal_info(ctx: Context) -> list[Finding]:
    text = ctx.folded.text
    spans: list[tuple[int, int, str]] = []
    phones: list[Span] = []
    for low, high in _phone_windows(text):
        for match in phonenumbers.PhoneNumberMatcher(text[low:high], "JP", leniency=Leniency.VALID):
            # The matcher takes the bracket of "（090-1234-5678）" as the start of "(03)1234-5678".
            unopened = match.raw_string[0] in "([" and not any(c in match.raw_string for c in ")]")
            phones.append((low + match.start + (1 if unopened else 0), low + match.end))
    spans.extend((start, end, "personal_info.phone") for start, end in sorted(set(phones)))
    if "@" in text:
        spans.extend((*m.span(), "personal_info.email") for m in _EMAIL.finditer(text))
    for match in _MY_NUMBER.finditer(text):
        if not _overlaps(*match.span(), phones) and not _is_timestamp(match.group()):
            spans.append((*match.span(), "personal_info.my_number"))
    for match in _ADDRESS.finditer(text):
        start, end = match.span()
        reach = max(0, start - _PLACE_REACH)
        while start > reach and _PLACE_CHAR.match(text, start - 1):
            start -= 1
        spans.append((start, end, "personal_info.address"))
    # Digits inside a link (…/event/0312345678.html) are part of its address, not someone's number.
    return [
        ctx.finding(Rule.PERSONAL_INFO, Severity.BLOCK, start, end, key)
        for start, end, key in spans
        if not ctx.in_url(start, end)
    ]


def _phone_windows(text: str) -> list[Span]:
    windows: list[Span] = []
    for run in _PHONE_RUN.finditer(text):
        digits = re.sub(r"\D", "", run.group())
        if len(digits) < 10 or not (run.group().startswith("+") or digits.startswith(("0", "81"))):
            continue
        line_start = text.rfind("\n", 0, run.start()) + 1
        line_end = text.find("\n", run.end())
        low = max(line_start, run.start() - _PHONE_CONTEXT)
        high = min(len(text) if line_end < 0 else line_end, run.end() + _PHONE_CONTEXT)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def _is_timestamp(number: str) -> bool:
    # 202604011030 is a date and time written without separators, not a My Number.
    digits = re.sub(r"\D", "", number)
    year, month, day, hour, minute = (int(digits[i : i + 2 if i else 4]) for i in (0, 4, 6, 8, 10))
    if not 1900 <= year <= 2099 or hour > 23 or minute > 59:
        return False
    try:
        datetime(year, month, day)  # a calendar check only
    except ValueError:
        return False
    return True


# -- 伏せ字 (4(3)②) ----------------------------------------------------------------------------------------

# Marks that hide words, in groups that look alike (〇 and ○ are often mixed up). ＊ is * once normalised.
# ☆★※ and ・ are decoration and bullets, not hiding marks.
_MARK_GROUPS = ("○〇◯", "×✕✖", "*", "●", "△", "▲", "■", "□")
_MARKS = "".join(_MARK_GROUPS)
_FUSEJI = re.compile("|".join(f"[{re.escape(group)}]{{2,}}" for group in _MARK_GROUPS))
_KANJI_DIGIT = "一二三四五六七八九十百千万"
_LINE_SPACE = " \t\u3000"
# **太字** written as markdown: formatting (shown as is on X, which has no markdown), not hiding; "**さん"
# alone hides a name and is a finding.
_EMPHASIS = re.compile(r"(?<!\*)\*\*(?![\s*])[^*\n]{1,40}?(?<![\s*])\*\*(?!\*)")


def fuseji(ctx: Context) -> list[Finding]:
    text = ctx.folded.text
    if not any(mark in text for mark in _MARKS):
        return []
    emphasis = [span for m in _EMPHASIS.finditer(text) for span in ((m.start(), m.start() + 2), (m.end() - 2, m.end()))]
    lines = _Lines(text)
    found = []
    for match in _FUSEJI.finditer(text):
        start, end = match.span()
        if _overlaps(start, end, emphasis) or ctx.in_url(start, end) or lines.is_bullet_or_rule(start, end):
            continue
        if match.group()[0] in "○〇◯" and _next_to(text, start, end, _KANJI_DIGIT):
            continue  # 二〇〇〇年, 一〇〇人: a kanji zero, not a hidden word
        found.append(ctx.finding(Rule.FUSEJI, Severity.WARN, start, end, "fuseji"))
    return found


class _Lines:
    """Whether a run of marks is a bullet, a heading's decoration or a separator line rather than hiding
    a word. Each line is looked at once, however many runs it holds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._marks_only: dict[int, bool] = {}

    def is_bullet_or_rule(self, start: int, end: int) -> bool:
        text = self.text
        open_before = start == 0 or text[start - 1] in _LINE_SPACE + "\n"
        open_after = end == len(text) or text[end] in _LINE_SPACE + "\n"
        if not (open_before or text[start - 1] in _MARKS) or not (open_after or text[end] in _MARKS):
            return False  # written against a word: 〇〇課長, **さん
        line_start = text.rfind("\n", 0, start) + 1
        if self._marks_only_line(line_start):
            return True  # a line of marks only ("■■■■■■", "＊＊＊ ＊＊＊") separates parts of the post
        if not (open_before and open_after):
            return False
        if not text[line_start:start].strip(_LINE_SPACE):
            return True  # "○○ 日時: …" bullet or "■■ お知らせ" heading at the start of a line
        # "■■ お知らせ ■■": the closing marks of a heading that opened with marks.
        line_end = text.find("\n", end)
        closing = not text[end : len(text) if line_end < 0 else line_end].strip(_LINE_SPACE)
        return closing and _FUSEJI.match(text[line_start:start].lstrip(_LINE_SPACE)) is not None

    def _marks_only_line(self, line_start: int) -> bool:
        if line_start not in self._marks_only:
            line_end = self.text.find("\n", line_start)
            line = self.text[line_start : len(self.text) if line_end < 0 else line_end]
            self._marks_only[line_start] = not line.strip(_MARKS + _LINE_SPACE)
        return self._marks_only[line_start]


def _next_to(text: str, start: int, end: int, chars: str) -> bool:
    return (start > 0 and text[start - 1] in chars) or (end < len(text) and text[end] in chars)


# -- 意思形成過程・未発表 (4(3)①) and けんか・炎上の火種 (4(3)③, 5(3)③) -------------------------------------------

# After ご/御 the word is about the reader (移住をご検討中の方), not about the city.
_UNDECIDED_WORDS = sorted((nfkc_casefold(word) for word in UNDECIDED_WORDS), key=len, reverse=True)
_UNDECIDED = re.compile("(?<![ご御])(?:" + "|".join(map(re.escape, _UNDECIDED_WORDS)) + ")")


def undecided(ctx: Context) -> list[Finding]:
    return [
        ctx.finding(Rule.UNDECIDED, Severity.WARN, *m.span(), "undecided")
        for m in _UNDECIDED.finditer(ctx.folded.text)
        if not ctx.in_url(*m.span())
    ]


def flashpoint(ctx: Context, words: Iterable[str]) -> list[Finding]:
    normalised = {nfkc_casefold(word).strip() for word in words} - {""}
    if not normalised:
        return []
    # Longest first, so that of two entries sharing a start the longer one is reported. re caches the
    # compiled pattern, so a list that does not change is compiled once.
    pattern = re.compile("|".join(re.escape(w) for w in sorted(normalised, key=lambda w: (-len(w), w))))
    text = ctx.folded.text
    return [
        ctx.finding(Rule.FLASHPOINT, Severity.WARN, *m.span(), "flashpoint")
        for m in pattern.finditer(text)
        if not ctx.in_url(*m.span()) and not _inside_exception(text, m.start(), m.group())
    ]


_EXCEPTIONS = tuple(nfkc_casefold(word) for word in FORBIDDEN_EXCEPTIONS)


def _inside_exception(text: str, start: int, word: str) -> bool:
    """Whether ``word`` at ``start`` is part of an ordinary word such as デマンド or イエロー."""
    for exception in _EXCEPTIONS:
        offset = exception.find(word)
        while offset >= 0:
            if start >= offset and text.startswith(exception, start - offset):
                return True
            offset = exception.find(word, offset + 1)
    return False


# -- 同じ内容の繰り返し (4(3)②) ------------------------------------------------------------------------------

NEAR_RATIO = 0.9
# Below this many normalised characters only an exact repeat counts: in short texts (おはようございます)
# one or two characters decide the ratio.
NEAR_MIN_LENGTH = 20


def repetition(text: str, previous: Iterable[str]) -> list[Finding]:
    key = normalise_for_repetition(text)
    if not key:
        return []  # nothing left once links and spaces are gone
    compared: set[str] = set()
    near = _Near(key)
    for earlier in previous:
        other = normalise_for_repetition(earlier)
        if other in compared:
            continue  # the same earlier text again (a repeat of a repeat)
        compared.add(other)
        if other == key:
            ratio = 1.0
        elif min(len(key), len(other)) < NEAR_MIN_LENGTH:
            continue
        else:
            ratio = near.ratio(other)
            if ratio < NEAR_RATIO:
                continue
        message = t("lint.repetition", percent=int(ratio * 100))
        return [Finding(Rule.REPETITION, Severity.WARN, 0, len(text), text, message)]
    return []


class _Near:
    """difflib's ratio against ``key``, after bounds that rule most texts out cheaply: ratio() costs several
    milliseconds for two unrelated texts of 2,000 characters. What it needs is built once, when first needed."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._chars: Counter[str] | None = None
        self._trigrams: Counter[str] | None = None
        self._matcher: SequenceMatcher[str] | None = None

    def ratio(self, other: str) -> float:
        size = len(self.key) + len(other)
        # ratio = 2·matched / size. Matched characters are at most the shorter text...
        if 2 * min(len(self.key), len(other)) < NEAR_RATIO * size:
            return 0.0
        # ... and at most the characters the two have in common, counted with repeats.
        if self._chars is None:
            self._chars = Counter(self.key)
        if 2 * sum((self._chars & Counter(other)).values()) < NEAR_RATIO * size:
            return 0.0
        # At ratio r, r·size/2 characters match, in at most size·(1 - r) + 1 blocks (two blocks are apart by
        # an unmatched character), and a block of k characters holds k - 2 trigrams found in both texts: at
        # least size·(2.5r - 2) - 2 of them, a quarter of size at r = 0.9.
        if self._trigrams is None:
            self._trigrams = _trigrams(self.key)
        if sum((self._trigrams & _trigrams(other)).values()) < (2.5 * NEAR_RATIO - 2) * size - 2:
            return 0.0
        if self._matcher is None:
            self._matcher = SequenceMatcher(None)
            self._matcher.set_seq2(self.key)  # SequenceMatcher indexes its second text once for every first one
        self._matcher.set_seq1(other)
        return self._matcher.ratio()


def _trigrams(text: str) -> Counter[str]:
    return Counter(text[i : i + 3] for i in range(len(text) - 2))


# -- 文字数 and links ---------------------------------------------------------------------------------------


def length(text: str, limit: int, weighted: bool) -> list[Finding]:
    if weighted:
        over = weighted_over(text, limit)
        if over is None:
            return []
        count, start = over
        key = "length.weighted"
    else:
        if len(text) <= limit:
            return []
        count, start, key = len(text), limit, "length.plain"
    message = t(f"lint.{key}", count=count, limit=limit)
    return [Finding(Rule.LENGTH, Severity.WARN, start, len(text), text[start:], message)]


def insecure_links(ctx: Context) -> list[Finding]:
    text = ctx.folded.text
    return [
        ctx.finding(Rule.INSECURE_LINK, Severity.WARN, start, end, "insecure_link")
        for start, end in ctx.urls
        if text.startswith("http://", start)
    ]
