"""What every command starts with: the environment, logging, app.yaml, the database or the whole runtime; and
what it prints when start-up fails (exit status 2)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot import logs
from bot.catalog import bilingual
from bot.clock import Clock
from bot.config import Config, ConfigError, load_config
from bot.environment import Environment
from bot.runtime import Runtime
from bot.service import StartupError, open_runtime, prepare_database
from storage.db import make_engine, make_sessions


def run(args: argparse.Namespace) -> int:
    """The parsed command, with its environment and logging; a bad app.yaml or a start-up problem is printed."""
    env = Environment.from_mapping()
    if args.config:
        env = dataclasses.replace(env, config_path=Path(args.config))
    logs.configure(args.log_level, env.secrets(), args.log_format or _configured_log_format(env))
    try:
        return args.command(args, env)
    except (ConfigError, StartupError) as error:
        print_startup_error(error)
        return 2


def _configured_log_format(env: Environment) -> logs.LogFormat:
    """app.yaml's logging.format; text when app.yaml cannot be read (the command itself says why)."""
    try:
        return load_config(env.config_path).logging.format
    except ConfigError:
        return "text"


def print_startup_error(error: ConfigError | StartupError) -> None:
    if isinstance(error, ConfigError):
        print(bilingual("cli.config.invalid"), file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
    else:
        print(error, file=sys.stderr)


@contextmanager
def opened_runtime(env: Environment, clock: Clock) -> Iterator[Runtime]:
    """What serve opens, the Slack connection aside: for commands that read or change the data."""
    runtime = open_runtime(env, clock)
    try:
        yield runtime
    finally:
        runtime.engine.dispose()


def database_url(env: Environment, config: Config | None = None) -> str:
    """DATABASE_URL, else app.yaml's: read only then, as `db` and `audit verify` need nothing else."""
    return env.database_url or (config or load_config(env.config_path)).database.url


def engine_of(env: Environment, config: Config | None = None) -> Engine:
    return make_engine(database_url(env, config))


@contextmanager
def database(env: Environment, config: Config | None = None) -> Iterator[Engine]:
    engine = engine_of(env, config)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def prepared_database(env: Environment, config: Config) -> Iterator[Engine]:
    """The configured database, prepared as serve prepares it (raises StartupError)."""
    with database(env, config) as engine:
        prepare_database(engine)
        yield engine


@contextmanager
def read_session(env: Environment, config: Config) -> Iterator[Session]:
    """A session of the prepared database, for commands that only read."""
    with prepared_database(env, config) as engine, make_sessions(engine)() as session:
        yield session
