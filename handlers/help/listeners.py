from __future__ import annotations

from slack_bolt import Ack, BoltContext

from bot.per_directory import PerDirectory
from handlers.common.context import runtime_of
from handlers.help.views import help_message

# Drawn and validated once per configuration revision: the offices' names are the only things that vary.
_ANSWER = PerDirectory(lambda directory: help_message(directory.config.organization.name, directory.offices))


def show_help(ack: Ack, context: BoltContext) -> None:
    """Answers in the acknowledgement itself: no response_url round trip."""
    ack(**_ANSWER(runtime_of(context).config.directory))
