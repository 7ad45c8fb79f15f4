from __future__ import annotations

from slack_bolt import Ack, BoltContext, Respond

from handlers.common.context import runtime_of
from handlers.help.views import help_message


def show_help(ack: Ack, respond: Respond, context: BoltContext) -> None:
    ack()
    config = runtime_of(context).config.current
    respond(**help_message(config.organization.name, config.offices))
