"""The sns-bot command: serve, check-config, db upgrade, audit verify, exports and operators' tools."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import logging
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

import handlers
from bot import doctor as checks
from bot import logs
from bot.audit_export import (
    FORMATS,
    committee_rows,
    day_range,
    default_filename,
    export_audit_fields,
    write_csv,
    write_jsonl,
    write_xlsx,
)
from bot.backup import BackupError, write_backup
from bot.catalog import bilingual
from bot.clock import Clock, FixedClock, SystemClock
from bot.config import Config, ConfigError, load_config
from bot.environment import Environment
from bot.lint import Severity, lint
from bot.runtime import Runtime
from bot.server import monitoring, serving
from bot.service import (
    BotService,
    StartupError,
    delivery_worker,
    open_runtime,
    prepare_database,
    required_secrets,
    slack_names,
)
from bot.slack_names import Resolution, references, stale_notice
from handlers.account import service as account_service
from handlers.account.importer import import_accounts
from handlers.draft import service as draft_service
from handlers.personnel import service as personnel
from handlers.personnel.staffing import Identify
from storage import accounts as account_store
from storage import audit, audit_chain, migrate
from storage import slack_names as slack_names_store
from storage.db import make_engine, make_sessions

log = logging.getLogger("sns_bot")

Command = Callable[[argparse.Namespace, Environment], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    env = Environment.from_mapping()
    if args.config:
        env = dataclasses.replace(env, config_path=Path(args.config))
    logs.configure(args.log_level, env.secrets(), args.log_format or _configured_log_format(env))
    return args.command(args, env)


def _configured_log_format(env: Environment) -> logs.LogFormat:
    """app.yaml's logging.format; text when app.yaml cannot be read (the command itself says why)."""
    try:
        return load_config(env.config_path).logging.format
    except ConfigError:
        return "text"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sns-bot", description="総社市ソーシャルメディア活用ガイドライン Slack bot")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument(
        "--log-format", choices=logs.LOG_FORMATS, help="text, or json: one object per line (default: logging.format)"
    )
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
    command("doctor", doctor, "check the token, channels, people, database, sweeps and outbox (exit 1 on a problem)")
    lint_parser = command("lint", lint_text, "check a post's text against the guideline (exit 1 when it blocks)")
    lint_parser.add_argument("--json", action="store_true", help="print only a JSON document of the findings")
    lint_parser.add_argument("--account", help="the account it is for: repetition within 14 days is checked")
    lint_parser.add_argument("--now", type=_instant, help="check repetition as of this ISO 8601 instant with offset")
    lint_parser.add_argument("text", nargs="?", default="-", help="the text, or - (default) to read standard input")
    reminders_parser = command("reminders", reminders, "run the sweep, or list what is due: now or as of --now")
    reminders_parser.add_argument("action", choices=["run", "list"])
    reminders_parser.add_argument("--now", type=_instant, help="ISO 8601 instant with offset")
    reminders_parser.add_argument("--json", action="store_true", help="list as JSON")
    export_parser = command("export", export_audit, "export the audit log for the committee (6(1))")
    export_parser.add_argument("what", choices=["audit"])
    export_parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    export_parser.add_argument(
        "--to", dest="last", type=date.fromisoformat, required=True, help="YYYY-MM-DD (inclusive)"
    )
    export_parser.add_argument("--format", choices=FORMATS, default="xlsx")
    export_parser.add_argument("--output", type=Path, help="file to write (default: stdout; xlsx: audit-FROM-TO.xlsx)")
    export_parser.add_argument(
        "--include-private", action="store_true", help="include private reports' content (the export is audited so)"
    )
    accounts_parser = command("accounts", accounts_command, "import existing accounts, or list the register")
    accounts_parser.add_argument("action", choices=["import", "list"])
    accounts_parser.add_argument("file", nargs="?", type=Path, help="import: a CSV (UTF-8) or .xlsx file")
    accounts_parser.add_argument("--json", action="store_true", help="list as JSON")
    directory_parser = command("directory", directory_import, "app.yaml's departments from the personnel list")
    directory_parser.add_argument("action", choices=["import"])
    directory_parser.add_argument("file", type=Path, help="the personnel list: CSV (UTF-8 or Shift_JIS) or .xlsx")
    directory_parser.add_argument(
        "--dry-run", action="store_true", help="print who arrives, leaves or changes role, and what is re-addressed"
    )
    directory_parser.add_argument("--output", type=Path, help="write the new app.yaml here (default: print it)")
    scheduler_parser = command("scheduler", serve_scheduler, "run only the scheduler and delivery (no HTTP)")
    scheduler_parser.set_defaults(socket=False)
    scheduler_parser.add_argument("--host", default="127.0.0.1", help="address of --port (default: 127.0.0.1)")
    scheduler_parser.add_argument("--port", type=int, help="serve GET /healthz and GET /metrics on this port")
    playground_parser = command("playground", playground, "the bot in a local web page, against a Slack stand-in")
    _listen_options(playground_parser, port_help="port of the page (default: 8080)")
    run_parser = command("run", run, "serve Slack when tokens are set, otherwise start the playground (make run)")
    _listen_options(run_parser, port_help="port (default: server.port for Slack, 8080 for the playground)")
    db_parser = command("db", db_command, "database maintenance")
    db_parser.add_argument(
        "action",
        choices=["upgrade", "backup"],
        help="upgrade: apply migrations up to the newest; backup PATH: a copy of the live database",
    )
    db_parser.add_argument("path", nargs="?", type=Path, help="backup: the file to write (never overwritten)")
    db_parser.add_argument(
        "--runtime-role", help="PostgreSQL: create/grant the role serve connects as (audit log: SELECT, INSERT only)"
    )
    audit_parser = command("audit", verify_audit, "recompute the audit log's hash chain (exit 1 when it breaks)")
    audit_parser.add_argument("action", choices=["verify"])
    audit_parser.add_argument(
        "--anchor",
        action="append",
        type=_anchor,
        default=[],
        metavar="SEQ:HASH",
        help="a head hash kept outside the database (the monthly summary's); repeatable",
    )
    return parser


def _listen_options(parser: argparse.ArgumentParser, *, port_help: str) -> None:
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help=port_help)
    parser.add_argument("--db", default="playground.db", help="playground: SQLite file, or :memory: for a clean one")


def playground(args: argparse.Namespace, env: Environment, notice: str = "") -> int:
    # Imported here: nothing on the serving path loads the playground.
    from playground.runner import run as run_playground

    host = args.host or "127.0.0.1"
    port = 8080 if args.port is None else args.port
    try:
        return run_playground(config_path=env.config_path, db=args.db, host=host, port=port, notice=notice)
    except ConfigError as error:
        _print_startup_error(error)
        return 2


def run(args: argparse.Namespace, env: Environment) -> int:
    """`make run`: Slack when any Slack token is set (Socket Mode with only an app token), else the playground."""
    if env.bot_token or env.signing_secret or env.app_token:
        socket_mode = bool(env.app_token and not env.signing_secret)
        return serve(argparse.Namespace(**vars(args), socket=socket_mode, no_scheduler=False), env)
    return playground(args, env, notice=bilingual("playground.no_tokens"))


def serve(args: argparse.Namespace, env: Environment) -> int:
    if missing := required_secrets(env, socket_mode=args.socket):
        print(bilingual("cli.missing_secrets", names=", ".join(missing)), file=sys.stderr)
        return 2
    service = BotService(env, scheduler=not args.no_scheduler, socket_mode=args.socket)
    stopping = _handle_signals(service)
    try:
        service.start()
        # What start-up built (SQLAlchemy, pydantic, slack_sdk, the catalog) lives as long as the process:
        # kept out of the collector's way, so a full collection does not stall every listener for 100 ms.
        gc.freeze()
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


def _handle_signals(service: BotService) -> threading.Event:
    """SIGTERM and SIGINT stop (the returned event is set), SIGHUP reloads app.yaml. Installed before
    start-up, so a stop asked for during migrations is a clean one."""
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGHUP, lambda *_: _reload_in_background(service))
    return stopping


def _reload_in_background(service: BotService) -> None:
    # Off the signal handler: a reload reads a file and writes the database.
    if service.ready.is_set():
        threading.Thread(target=service.runtime.config.reload, name="reload").start()


def export_audit(args: argparse.Namespace, env: Environment) -> int:
    """Every audit entry between two days (inclusive, in the organisation's zone), private reports' content
    left out unless --include-private; the export is audited, saying which."""
    try:
        runtime = open_runtime(env, SystemClock())
    except (ConfigError, StartupError) as error:
        _print_startup_error(error)
        return 2
    timezone = runtime.config.directory.timezone
    try:
        start, end = day_range(args.first, args.last, timezone)
        with runtime.sessions() as session:
            entries = committee_rows(session, start, end, include_private=args.include_private)
            rows = _write_export(args, entries, timezone)
        with runtime.sessions.begin() as session:
            fields = export_audit_fields(
                args.first, args.last, timezone, args.format, rows, include_private=args.include_private
            )
            audit.record(session, at=runtime.clock.now(), actor=None, **fields)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        runtime.engine.dispose()
    return 0


def _write_export(args: argparse.Namespace, entries: Any, timezone: Any) -> int:
    if args.format == "xlsx":
        path = args.output or Path(default_filename(args.first, args.last))
        rows = write_xlsx(entries, path, timezone)
        print(path, file=sys.stderr)
        return rows
    writer = write_csv if args.format == "csv" else write_jsonl
    if args.output is None:
        return writer(entries, sys.stdout.buffer, timezone)
    with args.output.open("wb") as out:
        return writer(entries, out, timezone)


def accounts_command(args: argparse.Namespace, env: Environment) -> int:
    if args.action == "import" and args.file is None:
        print("sns-bot accounts import FILE", file=sys.stderr)
        return 2
    try:
        runtime = open_runtime(env, SystemClock())
    except (ConfigError, StartupError) as error:
        _print_startup_error(error)
        return 2
    try:
        return _import_accounts(runtime, args.file) if args.action == "import" else _list_accounts(runtime, args.json)
    finally:
        runtime.engine.dispose()


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
            "cli.accounts.imported", imported=result.imported, unchanged=result.unchanged, problems=len(result.problems)
        )
    )
    return 1 if result.problems else 0


def directory_import(args: argparse.Namespace, env: Environment) -> int:
    """The new app.yaml (or, --dry-run, what it changes); with any problem in the file, all of them by line and
    nothing written."""
    try:
        config = load_config(env.config_path)
    except ConfigError as error:
        _print_startup_error(error)
        return 2
    plan = personnel.plan(config, args.file)
    if plan.problems:
        for problem in plan.problems:
            print(problem, file=sys.stderr)
        print(bilingual("personnel.problems", count=len(plan.problems)), file=sys.stderr)
        return 1
    identify = _identify(env, config, plan)
    if args.dry_run:
        return _dry_run(env, config, plan, identify)
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
        with _session(env, config) as session:
            stored = slack_names_store.addresses_by_id(session)
    except StartupError:
        stored = {}
    return lambda person: stored.get(person) or by_name(person)


def _dry_run(env: Environment, config: Config, plan: personnel.Plan, identify: Identify) -> int:
    try:
        with _session(env, config) as session:
            print(personnel.dry_run(session, config, plan, identify))
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


@contextmanager
def _session(env: Environment, config: Config) -> Iterator[Session]:
    """A session of the configured database, prepared as serve prepares it (raises StartupError), for commands
    that only read."""
    engine = make_engine(env.database_url or config.database.url)
    try:
        prepare_database(engine)
        with make_sessions(engine)() as session:
            yield session
    finally:
        engine.dispose()


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
            )
    return 0


def _anchor(text: str) -> tuple[int, str]:
    seq, _, hash_ = text.partition(":")
    if not (seq.isdigit() and re.fullmatch(r"[0-9a-f]{64}", hash_)):
        raise argparse.ArgumentTypeError(f"{text!r} is not SEQ:HASH (e.g. 1234:<64 hex digits>)")
    return int(seq), hash_


def _instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 instant") from None
    if instant.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no offset (e.g. 2026-12-01T08:30+09:00)")
    return instant


def serve_scheduler(args: argparse.Namespace, env: Environment) -> int:
    """The sweeps and the delivery worker without a Slack endpoint, for a second, dedicated process; with --port
    it serves /healthz and /metrics (its deliveries and reminders are counted there)."""
    if not env.bot_token:  # it receives nothing from Slack: no signing secret or app token needed
        print(bilingual("cli.missing_secrets", names="SLACK_BOT_TOKEN"), file=sys.stderr)
        return 2
    service = BotService(env, scheduler=True)
    stopping = _handle_signals(service)
    try:
        service.start()
        with monitoring(service, host=args.host, port=args.port) if args.port is not None else nullcontext():
            stopping.wait()
    except (ConfigError, StartupError) as error:
        _print_startup_error(error)
        return 2
    finally:
        service.stop()
    return 0


def _clock(args: argparse.Namespace) -> Clock:
    """The instant of --now, for an operator who replays or previews a day; else the system's."""
    return FixedClock(args.now) if args.now else SystemClock()


def reminders(args: argparse.Namespace, env: Environment) -> int:
    try:
        runtime = open_runtime(env, _clock(args))
    except (ConfigError, StartupError) as error:
        _print_startup_error(error)
        return 2
    try:
        return _run_sweeps(runtime) if args.action == "run" else _list_reminders(runtime, as_json=args.json)
    finally:
        runtime.engine.dispose()


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
        rows = account_service.upcoming(session, directory, now.astimezone(directory.timezone).date())
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
        resolution = _resolve_names(env, config)
    except ConfigError as error:
        print(bilingual("config.check.failed", path=env.config_path, count=len(error.problems)), file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    print(bilingual("config.check.ok", path=env.config_path, departments=len(config.departments)))
    if resolution.resolved:
        print(bilingual("config.check.names"))
        for line in resolution.resolved:
            print(f"  {line.where}: {line.written} → {line.slack_id}")
    if resolution.stale_since is not None:
        print(stale_notice(resolution))
    return 0


def _resolve_names(env: Environment, config: Config) -> Resolution:
    """app.yaml's addresses and #names as Slack (or, when it cannot be reached, the database) resolves them;
    a configuration naming everyone by ID needs neither."""
    if not any(references(config)):
        return Resolution(config)
    engine = make_engine(env.database_url or config.database.url)
    try:
        prepare_database(engine)
        timeout = config.delivery.request_timeout_seconds
        return slack_names(env, make_sessions(engine), SystemClock(), timeout=timeout).resolve(config, env.config_path)
    finally:
        engine.dispose()


def doctor(args: argparse.Namespace, env: Environment) -> int:
    """One finding per check against the live workspace and database; exit 1 when any needs fixing."""
    try:
        config = load_config(env.config_path)
    except ConfigError as error:
        print(
            "\n".join(
                checks.Finding(False, "config.invalid", {"path": env.config_path, "count": len(error.problems)}).lines()
            )
        )
        for problem in error.problems:
            print(f"  {problem}")
        return 1
    client = checks.slack_client(env, config.delivery.request_timeout_seconds) if env.bot_token else None
    try:
        engine = make_engine(env.database_url or config.database.url)
    except ArgumentError as error:  # a malformed URL: nothing to connect to
        print("\n".join(checks.Finding(False, "database.unreachable", {"url": "DATABASE_URL", "error": error}).lines()))
        return 1
    try:
        findings = checks.diagnose(config, client=client, engine=engine, now=SystemClock().now(), jobs=handlers.JOBS)
    finally:
        engine.dispose()
    for finding in findings:
        print("\n".join(finding.lines()))
    problems = sum(not finding.ok for finding in findings)
    print(bilingual("doctor.summary.problems", count=problems) if problems else bilingual("doctor.summary.ok"))
    return 1 if problems else 0


def _database(env: Environment) -> Engine | None:
    """DATABASE_URL's engine, else app.yaml's (`db upgrade` and `audit verify` need no other configuration);
    None, the problem printed, when app.yaml is needed and invalid."""
    try:
        return make_engine(env.database_url or load_config(env.config_path).database.url)
    except ConfigError as error:
        _print_startup_error(error)
        return None


def db_command(args: argparse.Namespace, env: Environment) -> int:
    return backup_database(args, env) if args.action == "backup" else upgrade_database(args, env)


def backup_database(args: argparse.Namespace, env: Environment) -> int:
    """SQLite's online backup, or pg_dump's custom format: safe while the bot serves."""
    if args.path is None:
        print("sns-bot db backup PATH", file=sys.stderr)
        return 2
    if (engine := _database(env)) is None:
        return 2
    try:
        write_backup(engine, args.path)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(bilingual("cli.db.backed_up", path=args.path, url=engine.url.render_as_string()))
    return 0


def upgrade_database(args: argparse.Namespace, env: Environment) -> int:
    """Run as the tables' owner (its URL); serve runs as the runtime role (DATABASE_URL of that role)."""
    if (engine := _database(env)) is None:
        return 2
    try:
        migrate.upgrade(engine)
        print(
            bilingual("cli.db.upgraded", revision=migrate.current_revision(engine), url=engine.url.render_as_string())
        )
        if args.runtime_role:
            migrate.grant_runtime_role(engine, args.runtime_role)
            print(bilingual("cli.db.runtime_role", role=args.runtime_role))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


def verify_audit(args: argparse.Namespace, env: Environment) -> int:
    """Exit 0 with the number of entries and the head hash; 1 naming the first entry that does not match."""
    if (engine := _database(env)) is None:
        return 2
    try:
        if not migrate.is_current(engine):
            current, head = migrate.current_revision(engine), migrate.head_revision()
            print(bilingual("cli.startup.schema_outdated", current=current, head=head), file=sys.stderr)
            return 2
        with make_sessions(engine)() as session:
            verdict = audit_chain.verify(session, dict(args.anchor))
    finally:
        engine.dispose()
    if verdict.problem:
        print(bilingual("cli.audit.broken", count=verdict.count, problem=verdict.problem), file=sys.stderr)
        return 1
    print(bilingual("cli.audit.verified", count=verdict.count, head=verdict.head))
    return 0


def lint_text(args: argparse.Namespace, env: Environment) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    try:
        config = load_config(env.config_path)
    except ConfigError as error:
        _print_startup_error(error)
        return 2
    try:
        with _session(env, config) as session:
            previous = draft_service.recent_texts(session, args.account, _clock(args).now())
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    findings = lint(text, draft_service.lint_settings(config), previous)
    if args.json:
        print(json.dumps({"findings": [f.to_dict() for f in findings]}, ensure_ascii=False))
    else:
        for f in findings:
            print(f"{f.start}-{f.end} [{f.severity}] {f.rule}: {f.excerpt} — {f.message}")
    return 1 if any(f.severity == Severity.BLOCK for f in findings) else 0
