"""The App Home tab: each user's waiting decisions, drafts and open reports, and the guideline."""

from slack_bolt import App

from handlers.home.listeners import publish_home


def register(app: App) -> None:
    app.event("app_home_opened")(publish_home)
