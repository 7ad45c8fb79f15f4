"""`sns-bot doctor`: bot/doctor.py's checks against the live workspace and database, one finding a line."""

from __future__ import annotations

import argparse

from sqlalchemy.exc import ArgumentError

import handlers
from bot import doctor as checks
from bot.catalog import bilingual
from bot.cli.options import Commands
from bot.cli.startup import engine_of
from bot.clock import SystemClock
from bot.config import ConfigError, load_config
from bot.environment import Environment


def register(commands: Commands) -> None:
    commands.add(
        "doctor", doctor, "check the token, channels, people, database, sweeps and outbox (exit 1 on a problem)"
    )


def doctor(args: argparse.Namespace, env: Environment) -> int:
    """One finding per check against the live workspace and database; exit 1 when any needs fixing. Its problems
    go to standard output like its findings: an invalid app.yaml is one of them."""
    try:
        config = load_config(env.config_path)
    except ConfigError as error:
        _print(checks.Finding(False, "config.invalid", {"path": env.config_path, "count": len(error.problems)}))
        for problem in error.problems:
            print(f"  {problem}")
        return 1
    client = checks.slack_client(env, config.delivery.request_timeout_seconds) if env.bot_token else None
    try:
        engine = engine_of(env, config)
    except ArgumentError as error:  # a malformed URL: nothing to connect to
        _print(checks.Finding(False, "database.unreachable", {"url": "DATABASE_URL", "error": error}))
        return 1
    try:
        findings = checks.diagnose(config, client=client, engine=engine, now=SystemClock().now(), jobs=handlers.JOBS)
    finally:
        engine.dispose()
    for finding in findings:
        _print(finding)
    problems = sum(not finding.ok for finding in findings)
    print(bilingual("doctor.summary.problems", count=problems) if problems else bilingual("doctor.summary.ok"))
    return 1 if problems else 0


def _print(finding: checks.Finding) -> None:
    print("\n".join(finding.lines()))
