"""`sns-bot accounts import FILE | list`: the register of official accounts, filled from a file or printed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.catalog import bilingual
from bot.cli.options import Commands
from bot.cli.startup import opened_runtime
from bot.clock import SystemClock
from bot.environment import Environment
from bot.runtime import Runtime
from handlers.account import service as account_service
from handlers.account.importer import import_accounts
from storage import accounts as account_store


def register(commands: Commands) -> None:
    parser = commands.add("accounts", accounts_command, "import existing accounts, or list the register")
    parser.add_argument("action", choices=["import", "list"])
    parser.add_argument("file", nargs="?", type=Path, help="import: a CSV (UTF-8) or .xlsx file")
    parser.add_argument("--json", action="store_true", help="list as JSON")


def accounts_command(args: argparse.Namespace, env: Environment) -> int:
    if args.action == "import" and args.file is None:
        print("sns-bot accounts import FILE", file=sys.stderr)
        return 2
    with opened_runtime(env, SystemClock()) as runtime:
        return _import_accounts(runtime, args.file) if args.action == "import" else _list_accounts(runtime, args.json)


def _import_accounts(runtime: Runtime, path: Path) -> int:
    """All rows or none: every problem is printed with its line and column, and nothing is imported."""
    directory = runtime.config.directory
    with runtime.sessions.begin() as session:
        result = import_accounts(session, directory.config, path, now=runtime.clock.now(), timezone=directory.timezone)
        if result.problems:
            session.rollback()
    for problem in result.problems:
        print(problem, file=sys.stderr)
    print(
        bilingual(
            "cli.accounts.imported",
            imported=result.imported,
            unchanged=result.unchanged,
            policies=result.policies,
            problems=len(result.problems),
        )
    )
    return 1 if result.problems else 0


def _list_accounts(runtime: Runtime, as_json: bool) -> int:
    with runtime.sessions() as session:
        rows = [account_service.view_of(a) for a in account_store.register(session)]
    listed = [
        {
            "platform": a.platform,
            "name": a.name,
            "url": a.url,
            "department": a.department_name,
            "state": a.state,
            "managers": a.managers,
            "password_changed_on": a.password_changed_on.isoformat(),
            "next_review_on": a.next_review_on.isoformat(),
            "public_policy_url": a.public_policy_url,
            "policy_missing": a.policy_missing,
        }
        for a in rows
    ]
    if as_json:
        print(json.dumps({"accounts": listed}, ensure_ascii=False))
    else:
        for a in listed:
            print(
                f"{a['platform']:<9} {a['state']:<11} {a['name']} {a['url']} ({a['department']}) "
                f"password {a['password_changed_on']} review {a['next_review_on']}"
                + (" NO-PUBLIC-POLICY" if a["policy_missing"] else "")
            )
    return 0
