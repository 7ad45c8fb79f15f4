from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common.context import runtime_of
from handlers.help.views import help_message, home_view


def show_help(ack: Ack, respond: Respond, context: BoltContext) -> None:
    ack()
    config = runtime_of(context).config.current
    respond(**help_message(config.organization.name, config.offices))


def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") != "home":
        return
    config = runtime_of(context).config.current
    client.views_publish(user_id=event["user"], view=home_view(config.organization.name, config.offices))
