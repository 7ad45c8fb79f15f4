"""What commands share on the command line: registration with --config, and the --now instant."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime

from bot.clock import Clock, FixedClock, SystemClock
from bot.environment import Environment

Command = Callable[[argparse.Namespace, Environment], int]


class Commands:
    """sns-bot's sub-commands: each is given --config and the function that runs it."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self._subparsers = parser.add_subparsers(required=True, metavar="COMMAND")

    def add(self, name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        sub = self._subparsers.add_parser(name, help=help_text)
        sub.add_argument("--config", help="app.yaml (default: $SNS_BOT_CONFIG or ./app.yaml)")
        sub.set_defaults(command=func)
        return sub


def instant(text: str) -> datetime:
    """--now: an ISO 8601 instant, with its offset (a bare local time would be the machine's zone's)."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 instant") from None
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no offset (e.g. 2026-12-01T08:30+09:00)")
    return parsed


def clock_of(args: argparse.Namespace) -> Clock:
    """The instant of --now, for an operator who replays or previews a day; else the system's."""
    return FixedClock(args.now) if args.now else SystemClock()
