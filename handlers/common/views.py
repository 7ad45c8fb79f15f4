"""Block Kit pieces several features build the same way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, InputBlock, PlainTextInputElement, SectionBlock
from slack_sdk.models.views import View

from bot.catalog import t

FULL_TEXT_MAX = 39_000  # a thread reply holding the whole of what a message cut; Slack's limit is 40,000


def modal(
    title: str,
    blocks: Sequence[Block],
    *,
    callback_id: str | None = None,
    submit: str | None = None,
    metadata: str | None = None,
) -> View:
    """A modal with the catalog's 閉じる: ``title`` and ``submit`` are already the texts to show; a modal
    without ``submit`` only tells something."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=t("common.close"),
        private_metadata=metadata,
        blocks=list(blocks),
    )


def input_block(
    block_id: str, label: str, element: Any, *, hint: str | None = None, optional: bool = False, **params: Any
) -> InputBlock:
    """An input whose ``label`` and ``hint`` are catalog keys (``params`` fill the label)."""
    return InputBlock(
        block_id=block_id,
        label=t(label, **params),
        element=element,
        hint=t(hint) if hint else None,
        optional=optional,
    )


def comment_modal(
    *, callback_id: str, block_id: str, title: str, submit: str, label: str, metadata: str, max_length: int
) -> View:
    """A modal asking for one comment (差戻し, 却下, 指摘あり…), carrying its subject in private_metadata.
    ``title``, ``submit`` and ``label`` are already the texts to show."""
    element = PlainTextInputElement(action_id=block_id, multiline=True, max_length=max_length)
    return modal(
        title,
        [InputBlock(block_id=block_id, label=label, element=element)],
        callback_id=callback_id,
        submit=submit,
        metadata=metadata,
    )


def notice_modal(title: str, body: str) -> View:
    """A modal that only tells something (mrkdwn ``body``), to replace a submitted one."""
    return modal(title, [SectionBlock(text=body)])


def not_opened_modal() -> View:
    """What a person sees after submitting a view the bot has no record of having opened for them."""
    return notice_modal(t("common.not_opened.title"), t("common.not_opened.body"))


def button_row(buttons: Iterable[tuple[str, str, str | None]], value: str, labels: str) -> ActionsBlock:
    """Buttons carrying one metadata ``value``: each ``(action_id, answer, style)`` labelled ``{labels}.{answer}``."""
    return ActionsBlock(
        elements=[
            ButtonElement(text=t(f"{labels}.{answer}"), action_id=action, value=value, style=style)
            for action, answer, style in buttons
        ]
    )
