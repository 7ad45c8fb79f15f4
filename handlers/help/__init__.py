"""/sns-help: the guideline's rules in short."""

from slack_bolt import App

from handlers.help.ids import HelpIds
from handlers.help.listeners import show_help


def register(app: App) -> None:
    app.command(HelpIds.COMMAND)(show_help)
