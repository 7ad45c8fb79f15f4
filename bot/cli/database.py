"""`sns-bot db upgrade | backup PATH`: the database's migrations, runtime role and online backup."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.backup import BackupError, write_backup
from bot.catalog import bilingual
from bot.cli.options import Commands
from bot.cli.startup import database
from bot.environment import Environment
from storage import migrate


def register(commands: Commands) -> None:
    parser = commands.add("db", db_command, "database maintenance")
    parser.add_argument(
        "action",
        choices=["upgrade", "backup"],
        help="upgrade: apply migrations up to the newest; backup PATH: a copy of the live database",
    )
    parser.add_argument("path", nargs="?", type=Path, help="backup: the file to write (never overwritten)")
    parser.add_argument(
        "--runtime-role", help="PostgreSQL: create/grant the role serve connects as (audit log: SELECT, INSERT only)"
    )


def db_command(args: argparse.Namespace, env: Environment) -> int:
    return backup_database(args, env) if args.action == "backup" else upgrade_database(args, env)


def backup_database(args: argparse.Namespace, env: Environment) -> int:
    """SQLite's online backup, or pg_dump's custom format: safe while the bot serves."""
    if args.path is None:
        print("sns-bot db backup PATH", file=sys.stderr)
        return 2
    with database(env) as engine:
        try:
            write_backup(engine, args.path)
        except BackupError as error:
            print(error, file=sys.stderr)
            return 1
    print(bilingual("cli.db.backed_up", path=args.path, url=engine.url.render_as_string()))
    return 0


def upgrade_database(args: argparse.Namespace, env: Environment) -> int:
    """Run as the tables' owner (its URL); serve runs as the runtime role (DATABASE_URL of that role)."""
    with database(env) as engine:
        try:
            migrate.upgrade(engine)
            revision = migrate.current_revision(engine)
            print(bilingual("cli.db.upgraded", revision=revision, url=engine.url.render_as_string()))
            if args.runtime_role:
                migrate.grant_runtime_role(engine, args.runtime_role)
                print(bilingual("cli.db.runtime_role", role=args.runtime_role))
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    return 0
