"""/sns-help: the guideline's rules in short."""

from slack_bolt import App

from handlers.help.listeners import answer_help


def register(app: App) -> None:
    app.middleware(answer_help)
