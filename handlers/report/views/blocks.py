"""The pieces the report's builders share: options and context lines from the catalog, text inputs, and what
a message shows of a case's parts."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, InputBlock, MarkdownTextObject, Option, PlainTextInputElement

from bot.catalog import t
from bot.mrkdwn import escape, fit, was_cut
from handlers.common.views import input_block
from handlers.report.domain import ReportPart, Snapshot
from storage.models import Capacity

# What a copy shows of each part, so that the whole message stays well under the ~12,000 characters of
# block text at which Slack answers msg_blocks_too_long; the thread holds what was cut (full_text).
FIELD_SHOWN = 400
URLS_SHOWN = 1200
SUMMARY_SHOWN = 2000
ACCOUNT_SHOWN = 300
NOTE_SHOWN = 300
NOTES_SHOWN = 1200


def option(value: str, key: str) -> Option:
    return Option(value=value, text=t(key))


def context(lines: list[str]) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=fit(line, NOTES_SHOWN)) for line in lines[:10]])


def text_input(
    block_id: str,
    label: str,
    max_length: int,
    *,
    hint: str | None = None,
    optional: bool = False,
    **element: Any,
) -> InputBlock:
    """A text input whose action id is its block id (as the form readers expect); ``element`` sets the rest
    (multiline, initial_value, placeholder)."""
    field = PlainTextInputElement(action_id=block_id, max_length=max_length, **element)
    return input_block(block_id, label, field, hint=hint, optional=optional)


def summary_of(case: Snapshot) -> str:
    """The 概要 (mrkdwn): a lone report's as typed; several reports' each under its reporter."""
    if len(case.reports) <= 1:
        return escape(case.summary) or t("report.case.none")  # none the reader may see
    return "\n".join(t("report.case.summary_of", reporter=marked(r), summary=escape(r.summary)) for r in case.reports)


def marked(report: ReportPart) -> str:
    return report.name + (t("report.case.private_mark") if report.capacity == Capacity.PRIVATE else "")


def is_cut(case: Snapshot) -> bool:
    """Whether a copy leaves out part of the summary or the URLs (then the thread has them whole)."""
    urls = "\n".join(escape(u) for u in case.urls)
    return was_cut(summary_of(case), SUMMARY_SHOWN) or was_cut(urls, URLS_SHOWN)
