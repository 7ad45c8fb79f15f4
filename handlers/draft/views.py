"""Block Kit for /sns-draft and /sns-check: the draft modal, what it says once sent, /sns-check's answer
and the modals opened from the DMs (the DMs themselves: handlers/draft/renderer.py). Pure: plain values
in, Block Kit out; typed text is escaped before it reaches mrkdwn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
    DateTimePickerElement,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.catalog import t
from bot.mrkdwn import escape, fit, fit_escaped, joined
from handlers.common import views as common_views
from handlers.common.views import input_block, modal
from handlers.draft.ids import DraftIds
from handlers.draft.metadata import DraftAction
from storage.models import DraftKind

SECTION_LIMIT = 3000
TEXT_MAX = 3000
NOTE_MAX = 1000
URL_MAX = 2000
MAX_FINDINGS_SHOWN = 10
FINDINGS_SHOWN = 1000
NAMES_SHOWN = 1500
ROUTE_LIMIT = 2900  # the 決裁 route line in the modal, with its label within a text object's 3,000


@dataclass(frozen=True)
class DraftPrefill:
    """A returned draft opened again for revision."""

    draft_id: int
    account: str | None
    text: str
    kind: DraftKind
    note: str | None
    corrects_url: str | None


def _text(block_id: DraftIds, limit: int, initial: str | None = None, **params: Any) -> PlainTextInputElement:
    return PlainTextInputElement(action_id=block_id, max_length=limit, initial_value=initial, **params)


def _route(steps: list[str]) -> str:
    """The 決裁 route's steps (names, typed by people) as one context line: whole steps, then 「ほか N 件」."""
    return joined([escape(step) for step in steps], ROUTE_LIMIT, separator=" → ", more="common.more")


def draft_modal(
    approvers: list[tuple[str, str]], route: list[str] | None, now: datetime, prefill: DraftPrefill | None = None
) -> View:
    """``approvers``: (user id, name) of the department's 決裁権者; ``route``: the named steps of its
    决裁 route when it has one (then the route decides, not a choice)."""
    kinds = [Option(value=k, text=t(f"draft.kind.{k}")) for k in DraftKind]
    kind = next(o for o in kinds if o.value == (prefill.kind if prefill else DraftKind.ANNOUNCEMENT))
    account, text = (prefill.account, prefill.text) if prefill else (None, None)
    blocks: list[Block] = [
        input_block(
            DraftIds.ACCOUNT,
            "draft.account.label",
            _text(DraftIds.ACCOUNT, 200, account),
            hint="draft.account.hint",
            optional=True,
        ),
        input_block(DraftIds.TEXT, "draft.text.label", _text(DraftIds.TEXT, TEXT_MAX, text, multiline=True)),
        input_block(
            DraftIds.KIND,
            "draft.kind.label",
            RadioButtonsElement(action_id=DraftIds.KIND, options=kinds, initial_option=kind),
        ),
        input_block(
            DraftIds.REVIEWERS,
            "draft.reviewers.label",
            UserMultiSelectElement(action_id=DraftIds.REVIEWERS),
            hint="draft.reviewers.hint",
            optional=True,
        ),
        *_approvers(approvers, route),
        *_details(prefill),
    ]
    metadata = DraftAction(draft_id=prefill.draft_id).encode() if prefill else ""
    return modal(
        t("draft.modal.title"), blocks, callback_id=DraftIds.SUBMIT, submit=t("draft.modal.submit"), metadata=metadata
    )


def _approvers(approvers: list[tuple[str, str]], route: list[str] | None) -> list[Block]:
    """The route as a line when the department has one, else the approvers to choose from (all chosen)."""
    if route:
        return [ContextBlock(elements=[MarkdownTextObject(text=t("draft.approvers.route", route=_route(route)))])]
    if not approvers:
        return []
    options = [Option(value=user, text=fit(name, 75)) for user, name in approvers[:100]]
    element = StaticMultiSelectElement(action_id=DraftIds.APPROVERS, options=options, initial_options=options)
    return [input_block(DraftIds.APPROVERS, "draft.approvers.label", element, optional=True)]


def _details(prefill: DraftPrefill | None) -> list[Block]:
    """投稿予定日時, the note, the post it corrects and the consent: all optional."""
    note, corrects = (prefill.note, prefill.corrects_url) if prefill else (None, None)
    consent = [Option(value="consented", text=t("draft.consent.option"))]
    return [
        input_block(
            DraftIds.SCHEDULED_AT,
            "draft.scheduled_at.label",
            DateTimePickerElement(action_id=DraftIds.SCHEDULED_AT),
            optional=True,
        ),
        input_block(
            DraftIds.NOTE, "draft.note.label", _text(DraftIds.NOTE, NOTE_MAX, note, multiline=True), optional=True
        ),
        input_block(
            DraftIds.CORRECTS,
            "draft.corrects.label",
            _text(DraftIds.CORRECTS, URL_MAX, corrects, placeholder="https://"),
            hint="draft.corrects.hint",
            optional=True,
        ),
        input_block(
            DraftIds.CONSENT,
            "draft.consent.label",
            CheckboxesElement(action_id=DraftIds.CONSENT, options=consent),
            optional=True,
        ),
    ]


def finding_lines(findings: list[dict[str, Any]]) -> str:
    """The linter's findings, one line each, naming the rule; blocking ones first."""
    if not findings:
        return t("draft.findings.clean")
    ordered = sorted(findings, key=lambda f: f["severity"] != "block")
    lines = [
        t(
            "draft.findings.line",
            icon=t(f"draft.findings.{f['severity']}"),
            excerpt=escape(fit(f["excerpt"], 40)),
            message=f["message"],
        )
        for f in ordered[:MAX_FINDINGS_SHOWN]
    ]
    if len(ordered) > MAX_FINDINGS_SHOWN:
        lines.append(t("draft.findings.more", count=len(ordered) - MAX_FINDINGS_SHOWN))
    return joined(lines, FINDINGS_SHOWN, separator="\n", more="common.more")


def findings_block(findings: list[dict[str, Any]]) -> SectionBlock:
    return SectionBlock(text=t("draft.findings.title") + "\n" + finding_lines(findings))


def check_result(text: str, findings: list[dict[str, Any]]) -> dict[str, Any]:
    """/sns-check's ephemeral answer."""
    blocks = [
        SectionBlock(text=t("draft.check.title")),
        SectionBlock(text=fit_escaped(text, SECTION_LIMIT)),
        findings_block(findings),
        ContextBlock(elements=[MarkdownTextObject(text=t("draft.check.note"))]),
    ]
    return {"response_type": "ephemeral", "text": t("draft.check.title"), "blocks": [b.to_dict() for b in blocks]}


def submitted_view(kind: DraftKind, asked: list[str], findings: list[dict[str, Any]]) -> View:
    if kind == DraftKind.OFFICIAL_VIEW:
        first = t("draft.submitted.official_view", names=joined(asked, NAMES_SHOWN))
    elif asked:
        first = t("draft.submitted.announcement", names=joined(asked, NAMES_SHOWN))
    else:
        first = t("draft.submitted.announcement.alone")
    return modal(t("draft.submitted.title"), [SectionBlock(text=first), findings_block(findings)])


# -- modals opened from the DMs ------------------------------------------------------------------


def comment_modal(action: DraftAction) -> View:
    return common_views.comment_modal(
        callback_id=DraftIds.COMMENT_SUBMIT,
        block_id=DraftIds.COMMENT,
        title=t("draft.comment.title"),
        submit=t("draft.comment.submit"),
        label=t("draft.comment.label", answer=t(f"draft.answer.{action.answer}")),
        metadata=action.encode(),
        max_length=1000,
    )


def published_modal(action: DraftAction) -> View:
    url = _text(DraftIds.PUBLISHED_URL, URL_MAX, placeholder="https://")
    return modal(
        t("draft.published.title"),
        [input_block(DraftIds.PUBLISHED_URL, "draft.published.label", url)],
        callback_id=DraftIds.PUBLISHED_SUBMIT,
        submit=t("draft.published.submit"),
        metadata=action.encode(),
    )
