"""The guideline's checks on a post's text (4(2)②, 4(3), 5(3)), as one pure function.

``lint(text, settings, previous)`` returns the findings sorted by where they start; no Slack, database or
I/O. The draft flow, ``/sns-check`` and ``sns-bot lint`` all call it. A BLOCK finding (personal information)
stops a draft until the drafter confirms consent or that the information is public; WARN findings are
shown to the drafter and to everyone asked to check or approve.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.lint import checks
from bot.lint.length import weighted_length
from bot.lint.model import Finding, LintSettings, Rule, Severity
from bot.lint.text import normalise_for_repetition
from bot.lint.words import DEFAULT_FORBIDDEN_WORDS, FORBIDDEN_EXCEPTIONS, UNDECIDED_WORDS

__all__ = [
    "DEFAULT_FORBIDDEN_WORDS",
    "FORBIDDEN_EXCEPTIONS",
    "UNDECIDED_WORDS",
    "Finding",
    "LintSettings",
    "Rule",
    "Severity",
    "lint",
    "normalise_for_repetition",
    "weighted_length",
]

_RULE_ORDER = {rule: index for index, rule in enumerate(Rule)}


def lint(text: str, settings: LintSettings = LintSettings(), previous: Iterable[str] = ()) -> list[Finding]:  # noqa: B008 (frozen)
    """Findings sorted by start offset. ``previous``: texts submitted or posted for the same account in the
    last 14 days (the caller queries them)."""
    ctx = checks.Context(text)
    findings = [
        *checks.personal_info(ctx),
        *checks.fuseji(ctx),
        *checks.repetition(text, previous),
        *checks.undecided(ctx),
        *checks.flashpoint(ctx, settings.forbidden_words),
        *checks.length(text, settings.length_limit, settings.weighted),
        *checks.insecure_links(ctx),
    ]
    return sorted(findings, key=lambda f: (f.start, f.end, _RULE_ORDER[f.rule]))
