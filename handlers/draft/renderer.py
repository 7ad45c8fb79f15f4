"""Block Kit for a draft's DMs, drawn when sent (handlers/draft/messages.py): the requests to answer with
their buttons, the author's status, the notices and the full text a DM cut. Pure: snapshots in, message
dicts out; typed text is escaped before it reaches mrkdwn."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.catalog import t
from bot.mrkdwn import escape, fit, fit_escaped, joined, was_cut
from handlers.draft.domain import REVISABLE, Answer, DraftSnapshot, RequestView
from handlers.draft.ids import DraftIds
from handlers.draft.metadata import DraftAction
from handlers.draft.views import SECTION_LIMIT, findings_block
from storage.models import DraftStatus, RequestRole

# What a DM shows of each part, so that it stays well under the ~12,000 characters of block text at
# which Slack answers msg_blocks_too_long; the DM's thread holds what was cut (full_text).
BODY_SHOWN = 2990  # with its label, one section
FIELD_SHOWN = 250
NOTE_SHOWN = 600
URL_SHOWN = 300
ANSWERS_SHOWN = 1200
COMMENT_SHOWN = 300
FULL_TEXT_MAX = 39_000  # a thread reply's text; Slack's limit is 40,000

REVIEW_BUTTONS = ((DraftIds.REVIEW_OK, Answer.OK, "primary"), (DraftIds.REVIEW_ISSUE, Answer.ISSUE, None))
DECISION_BUTTONS = (
    (DraftIds.APPROVE, Answer.APPROVE, "primary"),
    (DraftIds.RETURN, Answer.RETURN, None),
    (DraftIds.REJECT, Answer.REJECT, "danger"),
)


def answer_buttons(
    draft_id: int, request_id: int, buttons: tuple[tuple[DraftIds, Answer, str | None], ...]
) -> ActionsBlock:
    value = DraftAction(draft_id=draft_id, request_id=request_id).encode()
    return ActionsBlock(
        elements=[
            ButtonElement(text=t(f"draft.button.{answer}"), action_id=action, value=value, style=style)
            for action, answer, style in buttons
        ]
    )


class DraftRenderer:
    """A draft's DMs, drawn when sent (handlers/draft/messages.py), with times shown in the organisation's zone."""

    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone

    def when(self, at: datetime) -> str:
        return at.astimezone(self.timezone).strftime("%m/%d %H:%M")

    def request(self, draft: DraftSnapshot, request_id: int, role: RequestRole, user_id: str) -> dict[str, Any]:
        own = next(r for r in draft.requests if r.id == request_id)
        if role == RequestRole.REVIEWER:
            title, intro = t("draft.request.review.title"), t("draft.request.review.intro", author=draft.author_name)
            buttons = REVIEW_BUTTONS
            open_ = own.answer is None and draft.status == DraftStatus.CHECKING
        else:
            title = t("draft.request.approval.title")
            intro = t(
                "draft.request.approval.intro", author=draft.author_name, kind=t(f"draft.kind.{draft.kind}.short")
            )
            if own.deputy:
                intro += "\n" + t("draft.request.deputy")
            buttons = DECISION_BUTTONS
            open_ = (
                own.answer is None
                and draft.status == DraftStatus.PENDING
                and (own.version, own.step) == (draft.version, draft.step)
            )
        blocks = [SectionBlock(text=f"{title}\n{intro}"), *self._body(draft), self._answers(draft)]
        if open_:
            blocks.append(answer_buttons(draft.id, request_id, buttons))
        return self._message(draft, blocks)

    def author_status(self, draft: DraftSnapshot, request_id: int) -> dict[str, Any]:
        blocks = [*self._body(draft), self._answers(draft)]
        value = DraftAction(draft_id=draft.id).encode()
        if draft.status in (DraftStatus.APPROVED, DraftStatus.CHECKING):
            button = ButtonElement(text=t("draft.button.published"), action_id=DraftIds.PUBLISHED, value=value)
            blocks.append(ActionsBlock(elements=[button]))
        elif draft.status in REVISABLE:
            button = ButtonElement(
                text=t("draft.button.revise"), action_id=DraftIds.REVISE, value=value, style="primary"
            )
            blocks.append(ActionsBlock(elements=[button]))
        return self._message(draft, blocks)

    def notice(self, draft: DraftSnapshot, kind: str, **params: Any) -> dict[str, Any]:
        if kind == "decided":
            comment = t("draft.answer.comment", comment=escape(params["comment"])) if params.get("comment") else ""
            text = t(
                "draft.notice.decided",
                id=draft.id,
                version=draft.version,
                answer=t(f"draft.answer.{params['answer']}"),
                name=_decider(params["name"], params.get("on_behalf_of", [])),
                comment=comment,
            )
            hint = {
                DraftStatus.RETURNED: "draft.notice.returned_hint",
                DraftStatus.APPROVED: "draft.notice.approved_hint",
            }
            if draft.status in hint:
                text += "\n" + t(hint[draft.status])
        elif kind == "expired":
            text = t("draft.notice.expired", id=draft.id)
        elif kind == "kouetsu":
            answer = t(f"draft.answer.{params['answer']}")
            text = t("draft.notice.kouetsu", id=draft.id, version=draft.version, name=params["name"], answer=answer)
            text += "\n\n" + t("draft.draft.body", text=fit_escaped(draft.text, BODY_SHOWN - len(text) - 10))
        else:
            text = t("draft.notice.reminder", id=draft.id, hours=params["hours"])
        return {"text": fit(text, SECTION_LIMIT), "blocks": [SectionBlock(text=fit(text, SECTION_LIMIT)).to_dict()]}

    def _message(self, draft: DraftSnapshot, blocks: list[Block]) -> dict[str, Any]:
        fallback = t("draft.draft.text", id=draft.id, excerpt=fit_escaped(draft.text, 80))
        return {"text": fallback, "blocks": [b.to_dict() for b in blocks]}

    def full_text(self, draft: DraftSnapshot) -> dict[str, Any] | None:
        """A thread reply with the body and note a DM had to cut; None when nothing was cut."""
        note = escape(draft.note or "")
        if not (was_cut(escape(draft.text), BODY_SHOWN) or was_cut(note, NOTE_SHOWN)):
            return None
        parts = [t("draft.draft.body", text=escape(draft.text))] + ([t("draft.draft.note", note=note)] if note else [])
        return {"text": fit("\n\n".join(parts), FULL_TEXT_MAX)}

    def _body(self, draft: DraftSnapshot) -> list[Block]:
        account = fit_escaped(draft.account, FIELD_SHOWN) if draft.account else t("draft.draft.account.none")
        fields = [
            t("draft.draft.kind", kind=t(f"draft.kind.{draft.kind}.short")),
            t("draft.draft.account", account=account),
            t("draft.draft.author", author=draft.author_name),
            t(
                "draft.draft.scheduled_at",
                at=self.when(draft.scheduled_at) if draft.scheduled_at else t("draft.draft.scheduled_at.none"),
            ),
            t("draft.draft.status", status=self._status(draft)),
        ]
        blocks: list[Block] = [
            HeaderBlock(text=t("draft.draft.header", id=draft.id, version=draft.version)),
            SectionBlock(fields=[MarkdownTextObject(text=fit(f, FIELD_SHOWN)) for f in fields]),
            SectionBlock(text=t("draft.draft.body", text=fit_escaped(draft.text, BODY_SHOWN))),
        ]
        if draft.note:
            blocks.append(SectionBlock(text=t("draft.draft.note", note=fit_escaped(draft.note, NOTE_SHOWN))))
        if draft.corrects_url:
            blocks.append(SectionBlock(text=t("draft.draft.corrects", url=fit_escaped(draft.corrects_url, URL_SHOWN))))
        blocks.append(findings_block(draft.findings))
        notes = [t("draft.draft.consented")] if draft.consented else []
        if draft.published_url:
            notes.append(t("draft.draft.published", url=fit_escaped(draft.published_url, URL_SHOWN)))
        if self.full_text(draft):
            notes.append(t("draft.draft.cut"))
        if notes:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=n) for n in notes]))
        return blocks

    def _status(self, draft: DraftSnapshot) -> str:
        if draft.status == DraftStatus.PENDING:
            return t("draft.status.pending", step=draft.step + 1, steps=draft.steps)
        return t(f"draft.status.{draft.status}")

    def _answers(self, draft: DraftSnapshot) -> Block:
        current = [r for r in draft.requests if r.version == draft.version]
        lines = [self._answer_line(r, draft) for r in current] or [t("draft.request.answer.waiting", name="—")]
        shown = joined(lines, ANSWERS_SHOWN, separator="\n")
        return SectionBlock(text=t("draft.request.answers") + "\n" + shown)

    def _answer_line(self, request: RequestView, draft: DraftSnapshot) -> str:
        name = request.name
        if draft.steps > 1 and request.role == RequestRole.APPROVER:
            name = f"{t('draft.request.step', step=request.step + 1)} {name}"
        if request.answer is None or request.answered_at is None:
            return t("draft.request.answer.waiting", name=name)
        comment = (
            t("draft.answer.comment", comment=fit_escaped(request.comment, COMMENT_SHOWN)) if request.comment else ""
        )
        return t(
            "draft.request.answer",
            name=name,
            answer=t(f"draft.answer.{request.answer}"),
            comment=comment,
            at=self.when(request.answered_at),
        )


def _decider(name: str, on_behalf_of: list[str]) -> str:
    """Who decided (names from the directory, already safe); a 代決 says on whose behalf."""
    return t("draft.deputy_for", name=name, approvers="、".join(on_behalf_of)) if on_behalf_of else name
