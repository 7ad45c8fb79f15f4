"""What the linter reports, and what it is told about the account."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.lint.words import DEFAULT_FORBIDDEN_WORDS


class Rule(StrEnum):
    PERSONAL_INFO = "personal_info"  # 4(2)②, 4(3)①
    FUSEJI = "fuseji"  # 4(3)②
    REPETITION = "repetition"  # 4(3)②
    UNDECIDED = "undecided"  # 4(3)①
    FLASHPOINT = "flashpoint"  # 4(3)③, 5(3)③[1]–[5]
    LENGTH = "length"  # the platform's limit
    INSECURE_LINK = "insecure_link"


class Severity(StrEnum):
    BLOCK = "block"  # submission needs 「本人・関係者の了解を得ている／公開情報である」
    WARN = "warn"


@dataclass(frozen=True)
class Finding:
    rule: Rule
    severity: Severity
    start: int  # character offsets into the text as written, so text[start:end] == excerpt
    end: int
    excerpt: str
    message: str  # Japanese, naming the guideline clause

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule.value,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "message": self.message,
        }


@dataclass(frozen=True)
class LintSettings:
    # Matched on NFKC-normalised, case-folded text; app.yaml's lint.forbidden_words replaces the default.
    forbidden_words: tuple[str, ...] = DEFAULT_FORBIDDEN_WORDS
    # The account's platform limit: X counts weighted (280 = 140 full-width), the others count characters.
    length_limit: int = 280
    weighted: bool = True
