"""The sns-bot command: serve, check-config, db upgrade."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import logs
from bot.catalog import bilingual
from bot.clock import SystemClock
from bot.config import ConfigError, load_config
from bot.environment import Environment
from bot.lint import Severity, lint
from bot.server import serving
from bot.service import BotService, StartupError, prepare_database, required_secrets
from handlers.draft import service as draft_service
from storage import migrate
from storage.db import make_engine, make_sessions

log = logging.getLogger("sns_bot")

Command = Callable[[argparse.Namespace, Environment], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    env = Environment.from_mapping()
    if args.config:
        env = dataclasses.replace(env, config_path=Path(args.config))
    logs.configure(args.log_level, env.secrets())
    return args.command(args, env)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sns-bot", description="総社市ソーシャルメディア活用ガイドライン Slack bot")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, func: Command, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--config", help="app.yaml (default: $SNS_BOT_CONFIG or ./app.yaml)")
        sub.set_defaults(command=func)
        return sub

    serve_parser = command("serve", serve, "serve Slack over HTTP (or Socket Mode with --socket)")
    serve_parser.add_argument("--host", help="address to listen on (default: server.host, 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, help="port (default: server.port, 3000)")
    serve_parser.add_argument("--socket", action="store_true", help="Socket Mode; the port serves only /healthz")
    serve_parser.add_argument("--no-scheduler", action="store_true", help="run no reminder sweeps in this process")
    command("check-config", check_config, "validate app.yaml and exit")
    lint_parser = command("lint", lint_text, "check a post's text against the guideline (exit 1 when it blocks)")
    lint_parser.add_argument("--json", action="store_true", help="print only a JSON document of the findings")
    lint_parser.add_argument("--account", help="the account it is for: repetition within 14 days is checked")
    lint_parser.add_argument("text", nargs="?", default="-", help="the text, or - (default) to read standard input")
    db_parser = command("db", upgrade_database, "database maintenance")
    db_parser.add_argument("action", choices=["upgrade"], help="upgrade: apply migrations up to the newest")
    return parser


def serve(args: argparse.Namespace, env: Environment) -> int:
    if missing := required_secrets(env, socket_mode=args.socket):
        print(bilingual("cli.missing_secrets", names=", ".join(missing)), file=sys.stderr)
        return 2
    service = BotService(env, scheduler=not args.no_scheduler, socket_mode=args.socket)
    stopping = threading.Event()
    # Installed before start-up, so a stop asked for during migrations is a clean one.
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGHUP, lambda *_: _reload_in_background(service))
    try:
        service.start()
        settings = service.runtime.config.current.server
        host = args.host if args.host is not None else settings.host
        port = args.port if args.port is not None else settings.port
        with serving(service, host=host, port=port, socket_mode=args.socket):
            stopping.wait()
            log.info("stopping")
    except (ConfigError, StartupError) as error:
        _print_startup_error(error)
        return 2
    finally:
        service.stop()
    return 0


def _reload_in_background(service: BotService) -> None:
    # Off the signal handler: a reload reads a file and writes the database.
    if service.ready.is_set():
        threading.Thread(target=service.runtime.config.reload, name="reload").start()


def _print_startup_error(error: Exception) -> None:
    if isinstance(error, ConfigError):
        print(bilingual("cli.config.invalid"), file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(error, file=sys.stderr)


def check_config(args: argparse.Namespace, env: Environment) -> int:
    try:
        config = load_config(env.config_path)
    except ConfigError as error:
        print(bilingual("config.check.failed", path=env.config_path, count=len(error.problems)), file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(bilingual("config.check.ok", path=env.config_path, departments=len(config.departments)))
    return 0


def upgrade_database(args: argparse.Namespace, env: Environment) -> int:
    try:
        url = env.database_url or load_config(env.config_path).database.url
    except ConfigError as error:
        _print_startup_error(error)
        return 2
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        print(
            bilingual("cli.db.upgraded", revision=migrate.current_revision(engine), url=engine.url.render_as_string())
        )
    finally:
        engine.dispose()
    return 0


def lint_text(args: argparse.Namespace, env: Environment) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        config = load_config(env.config_path)
        engine = make_engine(env.database_url or config.database.url)
    except ConfigError as error:
        _print_startup_error(error)
        return 2
    try:
        prepare_database(engine)
        with make_sessions(engine)() as session:
            previous = draft_service.recent_texts(session, args.account, SystemClock().now())
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    findings = lint(text, draft_service.lint_settings(config), previous)
    if args.json:
        print(json.dumps({"findings": [f.to_dict() for f in findings]}, ensure_ascii=False))
    else:
        for f in findings:
            print(f"{f.start}-{f.end} [{f.severity}] {f.rule}: {f.excerpt} — {f.message}")
    return 1 if any(f.severity == Severity.BLOCK for f in findings) else 0
