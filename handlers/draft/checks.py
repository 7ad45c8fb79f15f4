"""The guideline checks on a draft's text (bot/lint.py), with the account's recent posts as memory."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.config import Config
from bot.lint import Finding, LintSettings, lint
from handlers.common.work import Context
from storage import drafts

# 4(3)②: the same content posted again within this window reads as spam.
REPETITION_WINDOW = timedelta(days=14)


def account_key(account: str | None) -> str:
    return " ".join((account or "").split()).casefold()


def check_text(
    session: Session, ctx: Context, text: str, account: str | None, exclude_draft: int | None = None
) -> list[Finding]:
    """The linter's findings, with the account's texts of the last 14 days as memory."""
    previous = recent_texts(session, account, ctx.now, exclude_draft)
    return lint(text, lint_settings(ctx.directory.config), previous)


def recent_texts(session: Session, account: str | None, now: datetime, exclude_draft: int | None = None) -> list[str]:
    """What the account said in the last 14 days: the repetition check's memory (4(3)②)."""
    if not account:
        return []
    return drafts.recent_texts(session, account_key(account), now - REPETITION_WINDOW, exclude_draft)


def lint_text(ctx: Context, text: str) -> list[Finding]:
    """/sns-check: the same checks, with no account and so no memory of earlier posts."""
    return lint(text, lint_settings(ctx.directory.config))


def lint_settings(config: Config) -> LintSettings:
    """Without a registered account the platform is unknown: X's limit applies (the strictest)."""
    limit = config.lint.length_limits.get("x", 280)
    if config.lint.forbidden_words:
        return LintSettings(forbidden_words=tuple(config.lint.forbidden_words), length_limit=limit, weighted=True)
    return LintSettings(length_limit=limit, weighted=True)
