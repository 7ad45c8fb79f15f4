"""/sns-help and the App Home tab: the guideline's rules in short."""

from slack_bolt import App

from handlers.help.ids import HelpIds
from handlers.help.listeners import publish_home, show_help


def register(app: App) -> None:
    app.command(HelpIds.COMMAND)(show_help)
    app.event("app_home_opened")(publish_home)
