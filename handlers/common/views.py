"""Block Kit pieces several features build the same way."""

from __future__ import annotations

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, SectionBlock
from slack_sdk.models.views import View

from bot.catalog import t


def comment_modal(
    *, callback_id: str, block_id: str, title: str, submit: str, label: str, metadata: str, max_length: int
) -> View:
    """A modal asking for one comment (差戻し, 却下, 指摘あり…), carrying its subject in private_metadata.
    ``title``, ``submit`` and ``label`` are already the texts to show."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=title,
        submit=submit,
        close=t("common.close"),
        private_metadata=metadata,
        blocks=[
            InputBlock(
                block_id=block_id,
                label=label,
                element=PlainTextInputElement(action_id=block_id, multiline=True, max_length=max_length),
            )
        ],
    )


def notice_modal(title: str, body: str) -> View:
    """A modal that only tells something (mrkdwn ``body``), to replace a submitted one."""
    return View(type="modal", title=title, close=t("common.close"), blocks=[SectionBlock(text=body)])


def not_opened_modal() -> View:
    """What a person sees after submitting a view the bot has no record of having opened for them."""
    return notice_modal(t("common.not_opened.title"), t("common.not_opened.body"))
