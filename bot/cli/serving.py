"""The long-running commands: serve, scheduler, playground and run (`make run`)."""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy import make_url

from bot.catalog import bilingual
from bot.cli.options import Commands
from bot.cli.startup import database_url, print_startup_error
from bot.config import ConfigError
from bot.environment import Environment
from bot.server import monitoring, serving
from bot.service import BotService, StartupError, required_secrets

log = logging.getLogger("sns_bot")

# Started with the service, it serves until the process is asked to stop.
Serving = Callable[[BotService], AbstractContextManager[object]]


def register_serve(commands: Commands) -> None:
    parser = commands.add("serve", serve, "serve Slack over HTTP (or Socket Mode with --socket)")
    parser.add_argument("--host", help="address to listen on (default: server.host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: server.port, 3000)")
    parser.add_argument("--socket", action="store_true", help="Socket Mode; the port serves only /healthz")
    parser.add_argument("--no-scheduler", action="store_true", help="run no reminder sweeps in this process")
    parser.add_argument(
        "--no-delivery",
        action="store_true",
        help="send no outbox messages in this process: a `sns-bot scheduler` process delivers (PostgreSQL only)",
    )


def register_scheduler(commands: Commands) -> None:
    parser = commands.add("scheduler", serve_scheduler, "run only the scheduler and delivery (no HTTP)")
    parser.set_defaults(socket=False)
    parser.add_argument("--host", default="127.0.0.1", help="address of --port (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help="serve GET /healthz and GET /metrics on this port")


def register_playground(commands: Commands) -> None:
    parser = commands.add("playground", playground, "the bot in a local web page, against a Slack stand-in")
    _listen_options(parser, port_help="port of the page (default: 8080)")


def register_run(commands: Commands) -> None:
    parser = commands.add("run", run, "serve Slack when tokens are set, otherwise start the playground (make run)")
    _listen_options(parser, port_help="port (default: server.port for Slack, 8080 for the playground)")


def _listen_options(parser: argparse.ArgumentParser, *, port_help: str) -> None:
    parser.add_argument("--host", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, help=port_help)
    parser.add_argument("--db", default="playground.db", help="playground: SQLite file, or :memory: for a clean one")


def playground(args: argparse.Namespace, env: Environment, notice: str = "") -> int:
    # Imported here: nothing on the serving path loads the playground.
    from playground.runner import run as run_playground

    host = args.host or "127.0.0.1"
    port = 8080 if args.port is None else args.port
    return run_playground(config_path=env.config_path, db=args.db, host=host, port=port, notice=notice)


def run(args: argparse.Namespace, env: Environment) -> int:
    """`make run`: Slack when any Slack token is set (Socket Mode with only an app token), else the playground."""
    if env.bot_token or env.signing_secret or env.app_token:
        socket_mode = bool(env.app_token and not env.signing_secret)
        return serve(argparse.Namespace(**vars(args), socket=socket_mode, no_scheduler=False, no_delivery=False), env)
    return playground(args, env, notice=bilingual("playground.no_tokens"))


def serve(args: argparse.Namespace, env: Environment) -> int:
    if missing := required_secrets(env, socket_mode=args.socket):
        print(bilingual("cli.missing_secrets", names=", ".join(missing)), file=sys.stderr)
        return 2
    if args.no_delivery:
        _refuse_sqlite(env)
    service = BotService(env, scheduler=not args.no_scheduler, delivery=not args.no_delivery, socket_mode=args.socket)
    return _until_stopped(service, lambda started: _slack_endpoint(started, args))


def _refuse_sqlite(env: Environment) -> None:
    """Another process's worker is rung by PostgreSQL's NOTIFY; on SQLite nothing would ring it (it would poll),
    and the two processes would take turns at SQLite's one write lock."""
    if make_url(database_url(env)).get_backend_name() == "sqlite":
        raise StartupError(bilingual("cli.startup.no_delivery_on_sqlite"))


@contextmanager
def _slack_endpoint(service: BotService, args: argparse.Namespace) -> Iterator[None]:
    # What start-up built (SQLAlchemy, pydantic, slack_sdk, the catalog) lives as long as the process:
    # kept out of the collector's way, so a full collection does not stall every listener for 100 ms.
    gc.freeze()
    settings = service.runtime.config.current.server
    host = args.host if args.host is not None else settings.host
    port = args.port if args.port is not None else settings.port
    with serving(service, host=host, port=port, socket_mode=args.socket):
        yield
        log.info("stopping")


def serve_scheduler(args: argparse.Namespace, env: Environment) -> int:
    """The sweeps and the delivery worker without a Slack endpoint, for a second, dedicated process; with --port
    it serves /healthz and /metrics (its deliveries and reminders are counted there)."""
    if not env.bot_token:  # it receives nothing from Slack: no signing secret or app token needed
        print(bilingual("cli.missing_secrets", names="SLACK_BOT_TOKEN"), file=sys.stderr)
        return 2
    return _until_stopped(BotService(env, scheduler=True), lambda started: _monitoring(started, args))


def _monitoring(service: BotService, args: argparse.Namespace) -> AbstractContextManager[object]:
    """/healthz and /metrics with --port; nothing to serve without it."""
    return monitoring(service, host=args.host, port=args.port) if args.port is not None else nullcontext()


def _until_stopped(service: BotService, serve_with: Serving) -> int:
    """Starts the service, serves until SIGTERM or SIGINT, stops it; a start-up problem is printed before
    the stop (exit 2)."""
    stopping = _handle_signals(service)
    try:
        service.start()
        with serve_with(service):
            stopping.wait()
    except (ConfigError, StartupError) as error:
        print_startup_error(error)
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
