"""`sns-bot directory import FILE`: app.yaml's departments from the personnel list (the April change)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.catalog import bilingual
from bot.cli.options import Commands
from bot.cli.startup import read_session
from bot.config import Config, load_config
from bot.environment import Environment
from bot.service import StartupError
from handlers.personnel import service as personnel
from handlers.personnel.staffing import Identify
from storage import slack_names as slack_names_store


def register(commands: Commands) -> None:
    parser = commands.add("directory", directory_import, "app.yaml's departments from the personnel list")
    parser.add_argument("action", choices=["import"])
    parser.add_argument("file", type=Path, help="the personnel list: CSV (UTF-8 or Shift_JIS) or .xlsx")
    parser.add_argument(
        "--dry-run", action="store_true", help="print who arrives, leaves or changes role, and what is re-addressed"
    )
    parser.add_argument("--output", type=Path, help="write the new app.yaml here (default: print it)")


def directory_import(args: argparse.Namespace, env: Environment) -> int:
    """The new app.yaml (or, --dry-run, what it changes); with any problem in the file, all of them by line and
    nothing written."""
    config = load_config(env.config_path)
    plan = personnel.plan(config, args.file)
    if plan.problems:
        for problem in plan.problems:
            print(problem, file=sys.stderr)
        print(bilingual("personnel.problems", count=len(plan.problems)), file=sys.stderr)
        return 1
    identify = _identify(env, config, plan)
    if args.dry_run:
        with read_session(env, config) as session:
            print(personnel.dry_run(session, config, plan, identify))
        return 0
    try:
        text = personnel.written(plan, env.config_path.read_text(encoding="utf-8"), identify)
        if args.output is None:
            sys.stdout.write(text)
        else:
            args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        print(bilingual("personnel.unwritable", path=error.filename, error=error.strerror), file=sys.stderr)
        return 2
    return 0


def _identify(env: Environment, config: Config, plan: personnel.Plan) -> Identify:
    """Who a user ID of app.yaml is: the address it was last resolved from (slack_names), else what app.yaml
    and the spreadsheet say (the same name in `people:`)."""
    by_name = personnel.identify_by_name(config, plan)
    try:
        with read_session(env, config) as session:
            stored = slack_names_store.addresses_by_id(session)
    except StartupError:
        stored = {}
    return lambda person: stored.get(person) or by_name(person)
