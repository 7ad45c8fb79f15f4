"""The sns-bot command (`sns-bot COMMAND`, `python -m bot COMMAND`), one module per group of commands: with
bot/app.py, bot/service.py and bot/server.py, the wiring of the features into what runs (bot's other modules
are the kernel and import no feature: tests/test_layers.py).

Serving (serving.py):
    serve                       Slack over HTTP, or Socket Mode with --socket; sweeps unless --no-scheduler
    scheduler                   only the sweeps and the delivery worker, for a second process (--port: /metrics)
    playground                  the bot in a local web page, against a Slack stand-in
    run                         serve when a Slack token is set, else the playground (`make run`)
Set-up and health:
    check-config                app.yaml validated, its addresses and #names resolved (check_config.py)
    doctor                      the token, channels, people, database, sweeps and outbox (doctor.py)
    directory import FILE       app.yaml's departments from the personnel list; --dry-run (directory.py)
Data:
    accounts import FILE | list the register of official accounts (accounts.py)
    reminders run | list        the sweeps once, or what is due; --now to replay or preview (reminders.py)
    export audit                the audit log for the committee, --from/--to (audit.py)
    audit verify                the audit log's hash chain, against --anchor hashes (audit.py)
    db upgrade | backup PATH    migrations and the runtime role; an online backup (database.py)
Tools:
    lint [TEXT]                 a post's text against the guideline (lint.py)

What they all start with (environment, logging, app.yaml, database, runtime, start-up errors) is startup.py's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from bot import logs
from bot.cli import accounts, audit, check_config, database, directory, doctor, lint, reminders, serving, startup
from bot.cli.options import Commands

# In the order `sns-bot --help` lists them.
_REGISTRATIONS: tuple[Callable[[Commands], None], ...] = (
    serving.register_serve,
    check_config.register,
    doctor.register,
    lint.register,
    reminders.register,
    audit.register_export,
    accounts.register,
    directory.register,
    serving.register_scheduler,
    serving.register_playground,
    serving.register_run,
    database.register,
    audit.register_verify,
)


def main(argv: Sequence[str] | None = None) -> int:
    return startup.run(_parser().parse_args(argv))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sns-bot", description="総社市ソーシャルメディア活用ガイドライン Slack bot")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument(
        "--log-format", choices=logs.LOG_FORMATS, help="text, or json: one object per line (default: logging.format)"
    )
    commands = Commands(parser)
    for register in _REGISTRATIONS:
        register(commands)
    return parser
