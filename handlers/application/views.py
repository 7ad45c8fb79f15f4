"""Block Kit for the usage application's modals (4(4)①②): the two pages, what they say once sent and the
comment modal (the messages: handlers/application/renderer.py). Pure: plain values in, slack_sdk models
out; every string a person typed passes through ``escape``."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    ContextBlock,
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
from bot.mrkdwn import escape, fit
from handlers.application.domain import PLATFORM_NAMES, ApplicationAction, FirstPage, OffSite, Risk, Server
from handlers.application.ids import ApplicationIds as Ids
from handlers.common import views as common_views
from handlers.common.views import input_block, modal
from storage.models import Platform

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
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
LIMITS = {**PAGE_ONE_LIMITS, **PAGE_TWO_LIMITS}
INTERVAL_MAX = 3650
COMMENT_MAX = 1000


def platform_name(platform: Platform, other: str | None = None) -> str:
    """The platform as mrkdwn-safe text: its own name, or その他 with the service named."""
    if platform == Platform.OTHER:
        if other:
            return t("application.platform.other.named", name=escape(fit(other, PAGE_ONE_LIMITS[Ids.PLATFORM_OTHER])))
        return t("application.platform.other")
    return PLATFORM_NAMES[platform]


def _typed(
    block_id: Ids, label: str, *, hint: str | None = None, optional: bool = False, multiline: bool = True
) -> InputBlock:
    """A text input capped at its item's limit (LIMITS)."""
    element = PlainTextInputElement(action_id=block_id, multiline=multiline, max_length=LIMITS[block_id])
    return input_block(block_id, label, element, hint=hint, optional=optional)


def _radio(block_id: Ids, values: list[str], key: str) -> RadioButtonsElement:
    return RadioButtonsElement(action_id=block_id, options=[Option(value=v, text=t(f"{key}.{v}")) for v in values])


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=fit(text, FIELD_LIMIT))])


def no_department_modal() -> View:
    """For someone app.yaml places in no department: nobody to apply for them (4(4)①)."""
    return modal(t("application.modal.title"), [SectionBlock(text=t("application.error.department.unknown"))])


def page_one_modal(department_name: str, head_name: str, by_head: bool) -> View:
    """[1]–[5] and the 緊急 flag. ``department_name`` and ``head_name`` are mrkdwn-safe."""
    intro = "application.intro.head" if by_head else "application.intro.staff"
    platforms = [Option(value=p, text=platform_name(p)) for p in Platform]
    emergency = [Option(value="emergency", text=t("application.emergency.option"))]
    blocks: list[Block] = [
        _context(t(intro, department=department_name, head=head_name)),
        input_block(
            Ids.PLATFORM,
            "application.platform.label",
            StaticSelectElement(action_id=Ids.PLATFORM, options=platforms, placeholder=t("application.choose")),
            hint="application.platform.hint",
        ),
        _typed(Ids.PLATFORM_OTHER, "application.platform_other.label", optional=True, multiline=False),
        _typed(Ids.PURPOSE, "application.purpose.label"),
        _typed(Ids.AUDIENCE, "application.audience.label", hint="application.audience.hint", optional=True),
        _typed(Ids.CONTENT, "application.content.label", hint="application.content.hint", optional=True),
        input_block(
            Ids.STAFF,
            "application.staff.label",
            UserMultiSelectElement(action_id=Ids.STAFF, max_selected_items=STAFF_MAX),
            hint="application.staff.hint",
        ),
        _typed(Ids.SETUP, "application.setup.label", hint="application.setup.hint"),
        input_block(
            Ids.EMERGENCY,
            "application.emergency.label",
            CheckboxesElement(action_id=Ids.EMERGENCY, options=emergency),
            hint="application.emergency.hint",
            optional=True,
        ),
    ]
    title, submit = t("application.modal.title.page1"), t("application.modal.next")
    return modal(title, blocks, callback_id=Ids.PAGE1_SUBMIT, submit=submit)


def page_two_modal(first: FirstPage, default_interval: int) -> View:
    """[6]–[9], with page 1's answers in private_metadata."""
    chosen = t(
        "application.page2.chosen",
        platform=platform_name(first.platform, first.platform_other),
        purpose=escape(fit(first.purpose, 200)),
    )
    interval = NumberInputElement(
        action_id=Ids.INTERVAL,
        is_decimal_allowed=False,
        initial_value=str(default_interval),
        min_value="1",
        max_value=str(INTERVAL_MAX),
    )
    blocks: list[Block] = [
        _context(chosen),
        _typed(Ids.FREQUENCY, "application.frequency.label"),
        _typed(Ids.METHOD, "application.method.label"),
        _typed(Ids.RESPONSES, "application.responses.label"),
        _typed(Ids.POLICY_PLACE, "application.policy_place.label", hint="application.policy_place.hint"),
        _typed(Ids.ACCOUNT_NAME, "application.account_name.label", multiline=False),
        _typed(Ids.ACCOUNT_INFO, "application.account_info.label", hint="application.account_info.hint"),
        input_block(
            Ids.OFF_SITE, "application.off_site.label", _radio(Ids.OFF_SITE, list(OffSite), "application.off_site")
        ),
        _typed(Ids.PASSWORDS, "application.passwords.label", hint="application.passwords.hint"),
        input_block(Ids.SERVER, "application.server.label", _radio(Ids.SERVER, list(Server), "application.server")),
        input_block(
            Ids.RISK,
            "application.risk.label",
            _radio(Ids.RISK, list(Risk), "application.risk"),
            hint="application.risk.hint",
            optional=True,
        ),
        _typed(Ids.RISK_REASON, "application.risk_reason.label", hint="application.risk_reason.hint"),
        _typed(Ids.INDICATORS, "application.indicators.label", hint="application.indicators.hint"),
        input_block(Ids.INTERVAL, "application.interval.label", interval, hint="application.interval.hint"),
    ]
    title, submit = t("application.modal.title.page2"), t("application.modal.submit")
    return modal(title, blocks, callback_id=Ids.PAGE2_SUBMIT, submit=submit, metadata=first.encode())


def submitted_view(to_head: bool, head_name: str, office: str) -> View:
    """What the modal says once sent: to the head for 申請, or on to 市政情報課 (mrkdwn-safe names)."""
    text = (
        t("application.submitted.to_head", head=head_name, office=office)
        if to_head
        else t("application.submitted.to_office", office=office)
    )
    return modal(t("application.submitted.title"), [SectionBlock(text=fit(text, SECTION_LIMIT))])


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
