"""`sns-bot reminders run | list`: the scheduled sweeps once, or what is due, now or as of --now."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, time

import handlers
from bot.catalog import bilingual
from bot.cli.options import Commands, clock_of, instant
from bot.cli.startup import opened_runtime
from bot.environment import Environment
from bot.runtime import Runtime
from bot.service import delivery_worker
from handlers.account.sweep import upcoming


def register(commands: Commands) -> None:
    parser = commands.add("reminders", reminders, "run the sweep, or list what is due: now or as of --now")
    parser.add_argument("action", choices=["run", "list"])
    parser.add_argument("--now", type=instant, help="ISO 8601 instant with offset")
    parser.add_argument("--json", action="store_true", help="list as JSON")


def reminders(args: argparse.Namespace, env: Environment) -> int:
    with opened_runtime(env, clock_of(args)) as runtime:
        return _run_sweeps(runtime) if args.action == "run" else _list_reminders(runtime, as_json=args.json)


def _run_sweeps(runtime: Runtime) -> int:
    """Every scheduled sweep once, as of the clock's instant; then delivers what they queued."""
    for job in handlers.JOBS:
        print(f"{job.id}: {job.func(runtime)}")
    if not runtime.env.bot_token:
        print(bilingual("cli.reminders.queued_only"), file=sys.stderr)
        return 0
    print(f"delivered: {delivery_worker(runtime).drain()}")
    return 0


def _list_reminders(runtime: Runtime, *, as_json: bool) -> int:
    directory = runtime.config.directory
    now = runtime.clock.now()
    with runtime.sessions() as session:
        rows = upcoming(session, directory, now.astimezone(directory.timezone).date())
    hours = directory.office_hours
    # Every time in the organisation's zone: an overdue reminder goes at next_open(now), in now's zone.
    local_now = now.astimezone(directory.timezone)
    listed = [
        {
            "kind": kind,
            "account": view.name,
            "url": view.url,
            "due_on": due.isoformat(),
            "sent_at": hours.next_open(max(local_now, datetime.combine(due, time(), directory.timezone))).isoformat(),
            "to": [directory.labelled(recipient) for recipient in recipients],
        }
        for view, kind, due, recipients in rows
    ]
    if as_json:
        print(json.dumps({"reminders": listed}, ensure_ascii=False))
    else:
        for row in listed:
            to = ", ".join(row["to"])
            print(f"{row['due_on']} {row['kind']:<8} {row['account']} ({row['url']}) → {row['sent_at']} to {to}")
    return 0
