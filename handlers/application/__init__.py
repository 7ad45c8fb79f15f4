"""Usage applications (4(4)①②): the two-page modal, the head's 申請, 市政情報課's decision.

``/sns-account apply`` opens the modal through ``listeners.open_application``; the command itself
belongs to the account feature."""

from slack_bolt import App

from handlers.application import listeners
from handlers.application.ids import ApplicationIds

__all__ = ["register"]


def register(app: App) -> None:
    app.view(ApplicationIds.PAGE1_SUBMIT)(listeners.submit_first_page)
    app.view(ApplicationIds.PAGE2_SUBMIT)(listeners.submit_second_page)
    for answer in listeners.ANSWERS:
        app.action(answer)(listeners.answer_button)
    app.view(ApplicationIds.COMMENT_SUBMIT)(listeners.submit_comment)
