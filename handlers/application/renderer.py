"""Block Kit for the usage application's messages (4(4)①②), drawn when sent (handlers/application/messages.py):
the head's DM, the 市政情報課 channel post, the full text either cut and the outcome notices. Pure: snapshots
in, message dicts out; every string a person typed passes through ``escape``."""

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
from bot.mrkdwn import escape, fit, fit_escaped, joined
from handlers.application.domain import Answer, ApplicationAction, ApplicationSnapshot, Item
from handlers.application.ids import ApplicationIds as Ids
from handlers.application.views import SECTION_LIMIT, platform_name
from storage.models import ApplicationStatus

HEADER_LIMIT = 150
# What a post shows of each part, so that the application (13 typed items, ~11,600 characters of block
# text before) stays well under the ~12,000 at which Slack answers msg_blocks_too_long; the message's
# thread holds what was cut (full_text).
ITEM_SHOWN = 300
INTRO_SHOWN = 600
FIELD_SHOWN = 250
STAFF_SHOWN = 400
FULL_TEXT_MAX = 39_000  # a thread reply's text; Slack's limit is 40,000

HEAD_BUTTONS = ((Ids.HEAD_APPLY, Answer.APPLY, "primary"), (Ids.HEAD_RETURN, Answer.HEAD_RETURN, None))
DECISION_BUTTONS = (
    (Ids.APPROVE, Answer.APPROVE, "primary"),
    (Ids.RETURN, Answer.RETURN, None),
    (Ids.REJECT, Answer.REJECT, "danger"),
)


def answer_buttons(application_id: int, buttons: tuple[tuple[Ids, Answer, str | None], ...]) -> ActionsBlock:
    value = ApplicationAction(application_id=application_id).encode()
    return ActionsBlock(
        elements=[
            ButtonElement(text=t(f"application.button.{answer}"), action_id=action, value=value, style=style)
            for action, answer, style in buttons
        ]
    )


class ApplicationRenderer:
    """An application's messages, drawn when sent (handlers/application/messages.py), with times shown in the
    organisation's zone."""

    def __init__(self, timezone: ZoneInfo, office: str) -> None:
        self.timezone = timezone
        self.office = office  # 市政情報課's name, mrkdwn-safe

    def when(self, at: datetime) -> str:
        return at.astimezone(self.timezone).strftime("%m/%d %H:%M")

    def head_request(self, application: ApplicationSnapshot) -> dict[str, Any]:
        intro = t("application.head.intro", filler=application.filled_by_name, office=self.office)
        return self._asking(application, intro, ApplicationStatus.WITH_HEAD, HEAD_BUTTONS)

    def office_post(self, application: ApplicationSnapshot) -> dict[str, Any]:
        intro = t(
            "application.office.intro", department=escape(application.department_name), head=application.head_name
        )
        return self._asking(application, intro, ApplicationStatus.SUBMITTED, DECISION_BUTTONS)

    def _asking(
        self,
        application: ApplicationSnapshot,
        intro: str,
        waiting: ApplicationStatus,
        buttons: tuple[tuple[Ids, Answer, str | None], ...],
    ) -> dict[str, Any]:
        """The application with ``buttons`` while it is ``waiting`` for this answer, and how it went after."""
        outcome = (
            answer_buttons(application.id, buttons) if application.status == waiting else self._outcome(application)
        )
        return self._message(application, [*self._body(application, intro), outcome])

    def notice(self, application: ApplicationSnapshot, kind: str, **params: Any) -> dict[str, Any]:
        """An outcome DM: ``decided`` (市政情報課's decision, with ``answer``), ``head_applied`` or
        ``head_returned``; ``comment`` where one was given. It names the application."""
        named = self._name(application)
        comment = params.get("comment")
        said = t("application.notice.comment", comment=escape(comment)) if comment else ""
        if kind == "decided":
            answer = Answer(params["answer"])
            text = t(
                "application.notice.decided",
                application=named,
                office=self.office,
                answer=t(f"application.answer.{answer}"),
                name=application.decided_by or "",
                comment=said,
            )
            text += "\n" + t(f"application.notice.hint.{answer}")
        elif kind == "head_applied":
            text = t("application.notice.head_applied", application=named, head=application.head_name)
        else:
            text = t("application.notice.head_returned", application=named, head=application.head_name, comment=said)
        text = fit(text, SECTION_LIMIT)
        return {"text": text, "blocks": [SectionBlock(text=text).to_dict()]}

    def _name(self, application: ApplicationSnapshot) -> str:
        return t(
            "application.name",
            id=application.id,
            platform=platform_name(application.platform, application.items.get(Item.PLATFORM_OTHER)),
            purpose=escape(fit(application.purpose, 100)),
        )

    def _message(self, application: ApplicationSnapshot, blocks: list[Block]) -> dict[str, Any]:
        fallback = self._name(application)
        if application.emergency:
            fallback = t("application.emergency.tag") + fallback
        return {"text": fallback, "blocks": [b.to_dict() for b in blocks]}

    def _outcome(self, application: ApplicationSnapshot) -> Block:
        status = application.status
        if status in (ApplicationStatus.SUBMITTED, ApplicationStatus.WITH_HEAD) or application.decided_at is None:
            at = application.submitted_at or application.created_at
            line = t(f"application.outcome.{status}", at=self.when(at))
        else:
            comment = application.decision_comment
            # Registered later (4(4)⑤): what was decided was the approval.
            decided = ApplicationStatus.APPROVED if status == ApplicationStatus.REGISTERED else status
            line = t(
                "application.outcome.decided",
                name=application.decided_by or "",
                status=t(f"application.status.{decided}"),
                at=self.when(application.decided_at),
                comment=t("application.notice.comment", comment=fit_escaped(comment, ITEM_SHOWN)) if comment else "",
            )
        return ContextBlock(elements=[MarkdownTextObject(text=fit(line, INTRO_SHOWN))])

    def _body(self, application: ApplicationSnapshot, intro: str) -> list[Block]:
        """The application as the head and 市政情報課 read it: ``intro`` (mrkdwn) under its header."""
        items = application.items
        header = t("application.header", id=application.id)
        if application.emergency:
            header = t("application.emergency.tag") + header
        fields = [
            t(
                "application.field.platform",
                platform=platform_name(application.platform, items.get(Item.PLATFORM_OTHER)),
            ),
            t("application.field.department", department=escape(application.department_name)),
            t("application.field.head", head=application.head_name),
            t("application.field.filled_by", filler=application.filled_by_name),
            t("application.field.status", status=t(f"application.status.{application.status}")),
        ]
        if not application.emergency:
            fields.append(t("application.field.interval", days=application.review_interval_days))
        blocks: list[Block] = [
            HeaderBlock(text=fit(header, HEADER_LIMIT)),
            SectionBlock(text=fit(intro, INTRO_SHOWN)),
        ]
        if application.emergency:
            blocks.append(SectionBlock(text=t("application.emergency.note")))
        blocks.append(SectionBlock(fields=[MarkdownTextObject(text=fit(f, FIELD_SHOWN)) for f in fields]))
        for title, lines in _sections(application, ITEM_SHOWN).items():
            blocks.append(SectionBlock(text=t(title) + "\n" + "\n".join(lines)))
        if self.full_text(application):
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("application.cut"))]))
        return blocks

    def full_text(self, application: ApplicationSnapshot) -> dict[str, Any] | None:
        """A thread reply with every item whole, when the post had to cut one; None otherwise."""
        whole = _sections(application, FULL_TEXT_MAX)
        if whole == _sections(application, ITEM_SHOWN):
            return None
        text = "\n\n".join(t(title) + "\n" + "\n".join(lines) for title, lines in whole.items())
        return {"text": fit(text, FULL_TEXT_MAX)}


def _sections(application: ApplicationSnapshot, shown: int) -> dict[str, list[str]]:
    """The items [2]–[9] by title, each typed value escaped and cut to ``shown``; blank ones left out."""
    items = application.items

    def _typed(label: str | None, value: str | None) -> str | None:
        if not value:
            return None
        return t(label, value=fit_escaped(value, shown)) if label else fit_escaped(value, shown)

    staff = joined(application.staff_names, STAFF_SHOWN) or t("application.none")
    sections = {
        "application.item.2": [fit_escaped(application.purpose, shown)],
        "application.item.3": [_typed(None, items.get(Item.AUDIENCE))],
        "application.item.4": [_typed(None, items.get(Item.CONTENT))],
        "application.item.5": [
            t("application.item.5.staff", value=staff),
            _typed("application.item.5.setup", items.get(Item.SETUP)),
        ],
        "application.item.6": [
            _typed("application.item.6.frequency", items.get(Item.FREQUENCY)),
            _typed("application.item.6.method", items.get(Item.METHOD)),
            _typed("application.item.6.responses", items.get(Item.RESPONSES)),
            _typed("application.item.6.policy_place", items.get(Item.POLICY_PLACE)),
        ],
        "application.item.7": [
            _typed("application.item.7.account_name", items.get(Item.ACCOUNT_NAME)),
            _typed("application.item.7.account_info", items.get(Item.ACCOUNT_INFO)),
            _chosen("application.item.7.off_site", "application.off_site", items.get(Item.OFF_SITE)),
            _typed("application.item.7.passwords", items.get(Item.PASSWORDS)),
        ],
        "application.item.8": [
            _chosen("application.item.8.server", "application.server", items.get(Item.SERVER)),
            _chosen("application.item.8.risk", "application.risk", items.get(Item.RISK)),
            _typed("application.item.8.reason", items.get(Item.RISK_REASON)),
        ],
        "application.item.9": [_typed("application.item.9.indicators", items.get(Item.INDICATORS))],
    }
    return {title: [line for line in lines if line] for title, lines in sections.items() if any(lines)}


def _chosen(label: str, options: str, value: str | None) -> str | None:
    """A line naming a radio's choice; None when none was made."""
    return t(label, value=t(f"{options}.{value}")) if value else None
