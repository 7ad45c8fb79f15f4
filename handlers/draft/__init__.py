"""/sns-draft and /sns-check: guideline checks on the text, peer checks, 決裁 in DMs."""

from slack_bolt import App

from handlers.draft import listeners
from handlers.draft.ids import DraftIds
from handlers.draft.jobs import JOBS

__all__ = ["JOBS", "register"]


def register(app: App) -> None:
    app.command(DraftIds.COMMAND)(listeners.open_draft)
    app.command(DraftIds.CHECK_COMMAND)(listeners.check_text)
    app.view(DraftIds.SUBMIT)(listeners.submit_draft)
    for answer in listeners.ANSWERS:
        app.action(answer)(listeners.answer_button)
    app.view(DraftIds.COMMENT_SUBMIT)(listeners.submit_comment)
    app.action(DraftIds.REVISE)(listeners.open_revision)
    app.action(DraftIds.PUBLISHED)(listeners.open_published)
    app.view(DraftIds.PUBLISHED_SUBMIT)(listeners.submit_published)
