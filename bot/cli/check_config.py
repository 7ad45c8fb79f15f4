"""`sns-bot check-config`: app.yaml validated, its addresses and #names resolved."""

from __future__ import annotations

import argparse
import sys

from bot.catalog import bilingual
from bot.cli.options import Commands
from bot.cli.startup import prepared_database
from bot.clock import SystemClock
from bot.config import Config, ConfigError, load_config
from bot.environment import Environment
from bot.service import slack_names
from bot.slack_names import Resolution, references, stale_notice
from storage.db import make_sessions


def register(commands: Commands) -> None:
    commands.add("check-config", check_config, "validate app.yaml and exit")


def check_config(args: argparse.Namespace, env: Environment) -> int:
    """Exit 1 listing app.yaml's problems; 0 with what its addresses and #names resolve to."""
    try:
        config = load_config(env.config_path)
        resolution = _resolve_names(env, config)
    except ConfigError as error:
        print(bilingual("config.check.failed", path=env.config_path, count=len(error.problems)), file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
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
    with prepared_database(env, config) as engine:
        timeout = config.delivery.request_timeout_seconds
        return slack_names(env, make_sessions(engine), SystemClock(), timeout=timeout).resolve(config, env.config_path)
