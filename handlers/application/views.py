"""Block Kit for the usage application (4(4)①②): the two-page modal, the head's DM, the
市政情報課 channel post and the outcome notices. Pure: snapshots and plain values in, slack_sdk
models (or message dicts) out; every string a person typed passes through ``escape``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.catalog import t
from bot.mrkdwn import escape, fit, fit_escaped, joined
from handlers.application.domain import (
    PLATFORM_NAMES,
    Answer,
    ApplicationAction,
    ApplicationSnapshot,
    FirstPage,
    Item,
    OffSite,
    Risk,
    Server,
)
from handlers.application.ids import ApplicationIds as Ids
from handlers.common import views as common_views
from storage.models import ApplicationStatus, Platform

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
METADATA_LIMIT = 3000  # Slack's limit on private_metadata, in characters

# Page 1 travels in page 2's private_metadata: these caps keep it within METADATA_LIMIT even when
# every character of every field needs a JSON escape (tests/test_application_views.py proves it).
PAGE_ONE_LIMITS = {
    Ids.PLATFORM_OTHER: 40,
    Ids.PURPOSE: 300,
    Ids.AUDIENCE: 200,
    Ids.CONTENT: 450,
    Ids.SETUP: 300,
}
STAFF_MAX = 10
PAGE_TWO_LIMITS = {
    Ids.FREQUENCY: 500,
    Ids.METHOD: 500,
    Ids.RESPONSES: 500,
    Ids.POLICY_PLACE: 300,
    Ids.ACCOUNT_NAME: 100,
    Ids.ACCOUNT_INFO: 300,
    Ids.PASSWORDS: 500,
    Ids.RISK_REASON: 1000,
    Ids.INDICATORS: 1000,
}
INTERVAL_MAX = 3650
COMMENT_MAX = 1000
# What a post shows of each part, so that the application (13 typed items, ~11,600 characters of block
# text before) stays well under the ~12,000 at which Slack answers msg_blocks_too_long; the message's
# thread holds what was cut (full_text).
ITEM_SHOWN = 300
INTRO_SHOWN = 600
FIELD_SHOWN = 250
STAFF_SHOWN = 400
FULL_TEXT_MAX = 39_000  # a thread reply's text; Slack's limit is 40,000


def platform_name(platform: Platform, other: str | None = None) -> str:
    """The platform as mrkdwn-safe text: its own name, or その他 with the service named."""
    if platform == Platform.OTHER:
        if other:
            return t("application.platform.other.named", name=escape(fit(other, PAGE_ONE_LIMITS[Ids.PLATFORM_OTHER])))
        return t("application.platform.other")
    return PLATFORM_NAMES[platform]


def _input(block_id: Ids, label: str, element: Any, *, hint: str | None = None, optional: bool = False) -> InputBlock:
    return InputBlock(
        block_id=block_id, label=t(label), element=element, hint=t(hint) if hint else None, optional=optional
    )


def _text(block_id: Ids, limit: int, *, multiline: bool = True, initial: str | None = None) -> PlainTextInputElement:
    return PlainTextInputElement(action_id=block_id, multiline=multiline, max_length=limit, initial_value=initial)


def _radio(block_id: Ids, values: list[str], key: str) -> RadioButtonsElement:
    return RadioButtonsElement(action_id=block_id, options=[Option(value=v, text=t(f"{key}.{v}")) for v in values])


# -- the modal -------------------------------------------------------------------------------


def no_department_modal() -> View:
    """For someone app.yaml places in no department: nobody to apply for them (4(4)①)."""
    return View(
        type="modal",
        title=t("application.modal.title"),
        close=t("common.close"),
        blocks=[SectionBlock(text=t("application.error.department.unknown"))],
    )


def page_one_modal(department_name: str, head_name: str, by_head: bool) -> View:
    """[1]–[5] and the 緊急 flag. ``department_name`` and ``head_name`` are mrkdwn-safe."""
    intro = "application.intro.head" if by_head else "application.intro.staff"
    platforms = [Option(value=p, text=platform_name(p)) for p in Platform]
    blocks: list[Block] = [
        ContextBlock(
            elements=[MarkdownTextObject(text=fit(t(intro, department=department_name, head=head_name), FIELD_LIMIT))]
        ),
        _input(
            Ids.PLATFORM,
            "application.platform.label",
            StaticSelectElement(action_id=Ids.PLATFORM, options=platforms, placeholder=t("application.choose")),
            hint="application.platform.hint",
        ),
        _input(
            Ids.PLATFORM_OTHER,
            "application.platform_other.label",
            _text(Ids.PLATFORM_OTHER, PAGE_ONE_LIMITS[Ids.PLATFORM_OTHER], multiline=False),
            optional=True,
        ),
        _input(Ids.PURPOSE, "application.purpose.label", _text(Ids.PURPOSE, PAGE_ONE_LIMITS[Ids.PURPOSE])),
        _input(
            Ids.AUDIENCE,
            "application.audience.label",
            _text(Ids.AUDIENCE, PAGE_ONE_LIMITS[Ids.AUDIENCE]),
            hint="application.audience.hint",
            optional=True,
        ),
        _input(
            Ids.CONTENT,
            "application.content.label",
            _text(Ids.CONTENT, PAGE_ONE_LIMITS[Ids.CONTENT]),
            hint="application.content.hint",
            optional=True,
        ),
        _input(
            Ids.STAFF,
            "application.staff.label",
            UserMultiSelectElement(action_id=Ids.STAFF, max_selected_items=STAFF_MAX),
            hint="application.staff.hint",
        ),
        _input(
            Ids.SETUP,
            "application.setup.label",
            _text(Ids.SETUP, PAGE_ONE_LIMITS[Ids.SETUP]),
            hint="application.setup.hint",
        ),
        _input(
            Ids.EMERGENCY,
            "application.emergency.label",
            CheckboxesElement(
                action_id=Ids.EMERGENCY, options=[Option(value="emergency", text=t("application.emergency.option"))]
            ),
            hint="application.emergency.hint",
            optional=True,
        ),
    ]
    return View(
        type="modal",
        callback_id=Ids.PAGE1_SUBMIT,
        title=t("application.modal.title.page1"),
        submit=t("application.modal.next"),
        close=t("common.close"),
        blocks=blocks,
    )


def page_two_modal(first: FirstPage, default_interval: int) -> View:
    """[6]–[9], with page 1's answers in private_metadata."""
    limits = PAGE_TWO_LIMITS
    chosen = t(
        "application.page2.chosen",
        platform=platform_name(first.platform, first.platform_other),
        purpose=escape(fit(first.purpose, 200)),
    )
    blocks: list[Block] = [
        ContextBlock(elements=[MarkdownTextObject(text=fit(chosen, FIELD_LIMIT))]),
        _input(Ids.FREQUENCY, "application.frequency.label", _text(Ids.FREQUENCY, limits[Ids.FREQUENCY])),
        _input(Ids.METHOD, "application.method.label", _text(Ids.METHOD, limits[Ids.METHOD])),
        _input(Ids.RESPONSES, "application.responses.label", _text(Ids.RESPONSES, limits[Ids.RESPONSES])),
        _input(
            Ids.POLICY_PLACE,
            "application.policy_place.label",
            _text(Ids.POLICY_PLACE, limits[Ids.POLICY_PLACE]),
            hint="application.policy_place.hint",
        ),
        _input(
            Ids.ACCOUNT_NAME,
            "application.account_name.label",
            _text(Ids.ACCOUNT_NAME, limits[Ids.ACCOUNT_NAME], multiline=False),
        ),
        _input(
            Ids.ACCOUNT_INFO,
            "application.account_info.label",
            _text(Ids.ACCOUNT_INFO, limits[Ids.ACCOUNT_INFO]),
            hint="application.account_info.hint",
        ),
        _input(Ids.OFF_SITE, "application.off_site.label", _radio(Ids.OFF_SITE, list(OffSite), "application.off_site")),
        _input(
            Ids.PASSWORDS,
            "application.passwords.label",
            _text(Ids.PASSWORDS, limits[Ids.PASSWORDS]),
            hint="application.passwords.hint",
        ),
        _input(Ids.SERVER, "application.server.label", _radio(Ids.SERVER, list(Server), "application.server")),
        _input(
            Ids.RISK,
            "application.risk.label",
            _radio(Ids.RISK, list(Risk), "application.risk"),
            hint="application.risk.hint",
            optional=True,
        ),
        _input(
            Ids.RISK_REASON,
            "application.risk_reason.label",
            _text(Ids.RISK_REASON, limits[Ids.RISK_REASON]),
            hint="application.risk_reason.hint",
        ),
        _input(
            Ids.INDICATORS,
            "application.indicators.label",
            _text(Ids.INDICATORS, limits[Ids.INDICATORS]),
            hint="application.indicators.hint",
        ),
        _input(
            Ids.INTERVAL,
            "application.interval.label",
            NumberInputElement(
                action_id=Ids.INTERVAL,
                is_decimal_allowed=False,
                initial_value=str(default_interval),
                min_value="1",
                max_value=str(INTERVAL_MAX),
            ),
            hint="application.interval.hint",
        ),
    ]
    return View(
        type="modal",
        callback_id=Ids.PAGE2_SUBMIT,
        title=t("application.modal.title.page2"),
        submit=t("application.modal.submit"),
        close=t("common.close"),
        private_metadata=first.encode(),
        blocks=blocks,
    )


def submitted_view(to_head: bool, head_name: str, office: str) -> View:
    """What the modal says once sent: to the head for 申請, or on to 市政情報課 (mrkdwn-safe names)."""
    text = (
        t("application.submitted.to_head", head=head_name, office=office)
        if to_head
        else t("application.submitted.to_office", office=office)
    )
    return View(
        type="modal",
        title=t("application.submitted.title"),
        close=t("common.close"),
        blocks=[SectionBlock(text=fit(text, SECTION_LIMIT))],
    )


def comment_modal(action: ApplicationAction) -> View:
    return common_views.comment_modal(
        callback_id=Ids.COMMENT_SUBMIT,
        block_id=Ids.COMMENT,
        title=t("application.comment.title"),
        submit=t("application.comment.submit"),
        label=t("application.comment.label", answer=t(f"application.answer.{action.answer}")),
        metadata=action.encode(),
        max_length=COMMENT_MAX,
    )


# -- the messages ----------------------------------------------------------------------------

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
        blocks = self._body(application, intro)
        if application.status == ApplicationStatus.WITH_HEAD:
            blocks.append(answer_buttons(application.id, HEAD_BUTTONS))
        else:
            blocks.append(self._outcome(application))
        return self._message(application, blocks)

    def office_post(self, application: ApplicationSnapshot) -> dict[str, Any]:
        intro = t(
            "application.office.intro", department=escape(application.department_name), head=application.head_name
        )
        blocks = self._body(application, intro)
        if application.status == ApplicationStatus.SUBMITTED:
            blocks.append(answer_buttons(application.id, DECISION_BUTTONS))
        else:
            blocks.append(self._outcome(application))
        return self._message(application, blocks)

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
